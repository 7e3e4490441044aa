// The filter toolbar above the grid: code (with open counts in the period), class, state, source, owner, domain, SLA
// state, amount and age
// bounds, business days inside the period, and the quick search. Typed fields reach the store after a short pause (or at once on Enter / leaving the
// field), so the grid does not query on every keystroke.
import { useEffect, useId, useRef, useState, type RefObject } from 'react';
import { ExceptionStateSchema, type ExceptionState } from '../../../../shared/api/contract.ts';
import { EXCEPTION_CLASSES } from '../../../../shared/rules/ruleSet.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import type { ExceptionClass, ExceptionCode, ExceptionsFilterInput, SlaState } from '../../store/exceptionsSlice.ts';
import { formatCount, personName } from '../../format/formatters.ts';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { MultiSelect, type MultiSelectOption } from './MultiSelect.tsx';

export const SEARCH_DEBOUNCE_MS = 250;

const CLASS_TEXT: Record<ExceptionClass, string> = { A: 'A · auto-resolve', B: 'B · remediation', C: 'C · human' };

const STATE_OPTIONS: MultiSelectOption<ExceptionState>[] = ExceptionStateSchema.options.map((s) => ({
  value: s,
  label: s.replace('_', ' '),
  text: s.replace('_', ' '),
}));

const SLA_OPTIONS: MultiSelectOption<SlaState>[] = [
  { value: 'overdue', text: 'overdue', label: <span className="attention">overdue</span> },
  { value: 'due_today', text: 'due today', label: 'due today' },
  { value: 'on_track', text: 'on track', label: 'on track' },
  { value: 'none', text: 'no SLA', label: <span className="muted">no SLA (resolved, or none set)</span> },
];

type TextField = 'amountMin' | 'amountMax' | 'ageDaysMin' | 'ageDaysMax' | 'search';

/** A day inside the period (a date input commits as soon as a whole date is picked). */
function DayField({ field, label, error }: { field: 'businessDateFrom' | 'businessDateTo'; label: string; error?: string }) {
  const store = useAppStore();
  const value = useApp((s) => s.exceptionsFilterInput[field]);
  const period = useApp((s) => s.period);
  const errorId = useId();
  return (
    <label className="exceptions-filter-field">
      {label}
      <input
        type="date"
        value={value}
        min={period?.from}
        max={period?.to}
        aria-invalid={error !== undefined}
        aria-describedby={error !== undefined ? errorId : undefined}
        onChange={(e) => store.getState().setExceptionsFilter({ [field]: e.currentTarget.value } as Partial<ExceptionsFilterInput>)}
      />
      {error !== undefined ? (
        <span id={errorId} className="field-error">
          {error}
        </span>
      ) : null}
    </label>
  );
}

function DebouncedField({
  field,
  label,
  error,
  inputRef,
  type = 'text',
  inputMode,
  placeholder,
  width,
}: {
  field: TextField;
  label: string;
  error?: string;
  inputRef?: RefObject<HTMLInputElement | null>;
  type?: 'text' | 'search';
  inputMode?: 'decimal' | 'numeric';
  placeholder?: string;
  width: number;
}) {
  const store = useAppStore();
  const stored = useApp((s) => s.exceptionsFilterInput[field]);
  const [text, setText] = useState(stored);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const errorId = useId();

  // A reset (or any change from elsewhere) shows in the field.
  useEffect(() => setText(stored), [stored]);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );

  function commit(value: string) {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    if (value !== store.getState().exceptionsFilterInput[field])
      store.getState().setExceptionsFilter({ [field]: value } as Partial<ExceptionsFilterInput>);
  }

  return (
    <label className="exceptions-filter-field">
      {label}
      <input
        ref={inputRef}
        type={type}
        value={text}
        inputMode={inputMode}
        placeholder={placeholder}
        style={{ width }}
        aria-invalid={error !== undefined}
        aria-describedby={error !== undefined ? errorId : undefined}
        onChange={(e) => {
          const value = e.target.value;
          setText(value);
          if (timer.current !== null) clearTimeout(timer.current);
          timer.current = setTimeout(() => commit(value), SEARCH_DEBOUNCE_MS);
        }}
        onBlur={() => commit(text)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(text);
        }}
      />
      {error !== undefined ? (
        <span id={errorId} className="field-error">
          {error}
        </span>
      ) : null}
    </label>
  );
}

export function ExceptionsFilters({ searchRef }: { searchRef: RefObject<HTMLInputElement | null> }) {
  const store = useAppStore();
  const input = useApp((s) => s.exceptionsFilterInput);
  const errors = useApp((s) => s.exceptionsFilterErrors);
  const facets = useApp((s) => s.exceptionsFacets);
  const currency = useApp((s) => s.workspace?.reportingCurrency ?? '');
  const { locale } = useDisplayPrefs();
  const set = (patch: Partial<ExceptionsFilterInput>) => store.getState().setExceptionsFilter(patch);

  const codeOptions: MultiSelectOption<ExceptionCode>[] = (facets?.codes ?? []).map((c) => ({
    value: c.code,
    text: c.code,
    label: (
      <>
        <span className="mono">{c.code}</span> <span className="muted">{formatCount(c.open, locale)} open</span>
      </>
    ),
  }));
  const classOptions: MultiSelectOption<ExceptionClass>[] = EXCEPTION_CLASSES.map((c) => ({
    value: c,
    text: c,
    label: <span className={`badge class-${c}`}>{CLASS_TEXT[c]}</span>,
  }));
  const sourceOptions: MultiSelectOption<string>[] = (facets?.sources ?? []).map((s) => ({
    value: s,
    text: s,
    label: <span className="mono">{s}</span>,
  }));
  const ownerOptions: MultiSelectOption<string>[] = [
    { value: '', text: 'unassigned', label: <span className="muted">unassigned</span> },
    ...(facets?.owners ?? []).map((o) => ({
      value: o.owner,
      text: personName(o.owner),
      label: (
        <span title={o.owner}>
          {personName(o.owner)} <span className="muted">{formatCount(o.open, locale)} open</span>
        </span>
      ),
    })),
  ];
  const domainOptions: MultiSelectOption<string>[] = (facets?.domains ?? []).map((d) => ({
    value: d.domain,
    text: d.domain,
    label: (
      <>
        {d.domain} <span className="muted">{formatCount(d.open, locale)} open</span>
      </>
    ),
  }));

  return (
    <div className="toolbar exceptions-filters" role="search" aria-label="Filter exceptions">
      <DebouncedField
        field="search"
        label="Search (/)"
        type="search"
        inputRef={searchRef}
        placeholder="Id, code, owner, order, customer…"
        width={220}
      />
      <MultiSelect label="Code" options={codeOptions} selected={input.codes} onChange={(codes) => set({ codes })} allText="All codes" />
      <MultiSelect label="Class" options={classOptions} selected={input.classes} onChange={(classes) => set({ classes })} allText="All classes" />
      <MultiSelect label="State" options={STATE_OPTIONS} selected={input.states} onChange={(states) => set({ states })} allText="All states" />
      <MultiSelect label="Source" options={sourceOptions} selected={input.sources} onChange={(sources) => set({ sources })} allText="All sources" />
      <MultiSelect label="Owner" options={ownerOptions} selected={input.owners} onChange={(owners) => set({ owners })} allText="Anyone" />
      <MultiSelect label="Domain" options={domainOptions} selected={input.domains} onChange={(domains) => set({ domains })} allText="All domains" />
      <MultiSelect label="SLA" options={SLA_OPTIONS} selected={input.slaStates} onChange={(slaStates) => set({ slaStates })} allText="Any SLA" />
      <DebouncedField field="amountMin" label={`At stake from (${currency})`} inputMode="decimal" error={errors.amountMin} width={110} />
      <DebouncedField field="amountMax" label={`to (${currency})`} inputMode="decimal" error={errors.amountMax} width={110} />
      <DebouncedField field="ageDaysMin" label="Age from (days)" inputMode="decimal" error={errors.ageDaysMin} width={70} />
      <DebouncedField field="ageDaysMax" label="to (days)" inputMode="decimal" error={errors.ageDaysMax} width={70} />
      <DayField field="businessDateFrom" label="Business date from" />
      <DayField field="businessDateTo" label="to" error={errors.businessDateTo} />
      <button type="button" className="ghost" onClick={() => store.getState().resetExceptionsFilter()}>
        Reset filters
      </button>
    </div>
  );
}
