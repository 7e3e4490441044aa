// The CSV mapping as a form: every field of the shared CsvMapping, columns chosen from the file's header.
// Problems are checked with the shared schema as the user types and shown next to their field; the
// backend's own verdict on the file (line and column) is shown with them once the mapping is complete.
import { useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { EVENT_KINDS, type EventKind } from '../../../../shared/events/canonicalEvent.ts';
import { TEXT_ENCODINGS } from '../../../../shared/import/textEncoding.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { GENERIC_CSV, knownSources } from '../../store/importSlice.ts';
import {
  DATE_FORMAT_SUGGESTIONS,
  MAPPING_COLUMNS,
  checkDraft,
  columnInUse,
  issuesAt,
  type MappingColumn,
  type MappingDraft,
  type MappingIssue,
} from './mappingDraft.ts';

function Problems({ id, messages }: { id: string; messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <span id={id} className="field-error">
      {messages.join('; ')}
    </span>
  );
}

function Choice<T extends string>(props: {
  label: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onChange: (value: T) => void;
  problems?: readonly string[];
}) {
  const id = useId();
  const problems = props.problems ?? [];
  return (
    <div className="mapping-field">
      <label>
        {props.label}
        <select
          aria-label={props.label}
          value={props.value}
          aria-invalid={problems.length > 0 || undefined}
          aria-describedby={problems.length > 0 ? id : undefined}
          onChange={(e) => props.onChange(e.currentTarget.value as T)}
        >
          {props.options.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <Problems id={id} messages={problems} />
    </div>
  );
}

function TextField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  problems?: readonly string[];
  placeholder?: string;
  list?: string;
  size?: number;
}) {
  const id = useId();
  const problems = props.problems ?? [];
  return (
    <div className="mapping-field">
      <label>
        {props.label}
        <input
          aria-label={props.label}
          type="text"
          value={props.value}
          size={props.size}
          placeholder={props.placeholder}
          list={props.list}
          spellCheck={false}
          aria-invalid={problems.length > 0 || undefined}
          aria-describedby={problems.length > 0 ? id : undefined}
          onChange={(e) => props.onChange(e.currentTarget.value)}
        />
      </label>
      <Problems id={id} messages={problems} />
    </div>
  );
}

function ColumnSelect(props: {
  label: string;
  value: string;
  header: readonly string[];
  onChange: (value: string) => void;
  problems?: readonly string[];
}) {
  const id = useId();
  const problems = props.problems ?? [];
  const missing = props.value !== '' && !props.header.includes(props.value);
  return (
    <div className="mapping-field">
      <label>
        {props.label}
        <select
          aria-label={props.label}
          value={props.value}
          aria-invalid={problems.length > 0 || undefined}
          aria-describedby={problems.length > 0 ? id : undefined}
          onChange={(e) => props.onChange(e.currentTarget.value)}
        >
          <option value="">— not mapped —</option>
          {missing && <option value={props.value}>{props.value} (not in this file)</option>}
          {props.header.map((h, i) => (
            <option key={i} value={h}>
              {h}
            </option>
          ))}
        </select>
      </label>
      <Problems id={id} messages={problems} />
    </div>
  );
}

function Group({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="mapping-group">
      <legend>{title}</legend>
      <div className="field-row">{children}</div>
    </fieldset>
  );
}

const KIND_OPTIONS = EVENT_KINDS.map((k) => [k, k] as const);

/** Distinct cells of `column` in the files' preview rows: the values a kind table has to cover. */
function valuesInColumn(column: string, previews: readonly { columns: string[]; rows: string[][] }[]): string[] {
  const values = new Set<string>();
  for (const p of previews) {
    const index = p.columns.indexOf(column);
    if (index < 0) continue;
    for (const row of p.rows) {
      const cell = row[index]?.trim();
      if (cell !== undefined && cell !== '') values.add(cell);
    }
  }
  return [...values];
}

function KindValues({
  draft,
  header,
  problems,
  update,
}: {
  draft: MappingDraft;
  header: readonly string[];
  problems: readonly MappingIssue[];
  update: (patch: Partial<MappingDraft>) => void;
}) {
  const files = useApp((s) => s.importFiles);
  const previews = files.flatMap((f) => (f.preview === null ? [] : [f.preview]));
  const seen = draft.kindColumn === '' ? [] : valuesInColumn(draft.kindColumn, previews);
  const listed = new Set(draft.kindValues.map((v) => v.value.trim().toLowerCase()));
  const unlisted = seen.filter((v) => !listed.has(v.toLowerCase()));
  const setRow = (i: number, patch: Partial<{ value: string; kind: EventKind }>) =>
    update({ kindValues: draft.kindValues.map((row, j) => (j === i ? { ...row, ...patch } : row)) });
  return (
    <>
      <ColumnSelect
        label="Kind column"
        value={draft.kindColumn}
        header={header}
        problems={issuesAt(problems, 'kind_column')}
        onChange={(kindColumn) => update({ kindColumn })}
      />
      <div className="kind-values">
        <table className="simple" aria-label="Kind per value">
          <thead>
            <tr>
              <th>Value in the column</th>
              <th>Event kind</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {draft.kindValues.map((row, i) => (
              <tr key={i}>
                <td>
                  <input type="text" aria-label={`Value ${i + 1}`} value={row.value} onChange={(e) => setRow(i, { value: e.currentTarget.value })} />
                </td>
                <td>
                  <select
                    aria-label={`Kind for value ${i + 1}`}
                    value={row.kind}
                    onChange={(e) => setRow(i, { kind: e.currentTarget.value as EventKind })}
                  >
                    {EVENT_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {k}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <button
                    type="button"
                    className="ghost"
                    aria-label={`Remove value ${i + 1}`}
                    onClick={() => update({ kindValues: draft.kindValues.filter((_, j) => j !== i) })}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="toolbar">
          <button type="button" onClick={() => update({ kindValues: [...draft.kindValues, { value: '', kind: 'payment' }] })}>
            Add value
          </button>
          {unlisted.length > 0 && (
            <button
              type="button"
              onClick={() => update({ kindValues: [...draft.kindValues, ...unlisted.map((value) => ({ value, kind: 'payment' as const }))] })}
            >
              Add values seen in the preview ({unlisted.join(', ')})
            </button>
          )}
        </div>
        <Problems id="kind-values-problems" messages={issuesAt(problems, 'kind_values')} />
      </div>
    </>
  );
}

/** A saved mapping file (the JSON `tieout import --mapping` takes) loaded into the form. */
function MappingFileLoader() {
  const store = useAppStore();
  const input = useRef<HTMLInputElement>(null);
  const loadedFile = useApp((s) => s.importMappingFile);
  return (
    <div className="toolbar">
      <button type="button" onClick={() => input.current?.click()}>
        Load a mapping file…
      </button>
      <input
        ref={input}
        className="visually-hidden"
        type="file"
        accept=".json,application/json"
        tabIndex={-1}
        aria-label="Mapping file to load"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file !== undefined) void file.text().then((text) => store.getState().loadMappingFile(file.name, text));
        }}
      />
      {loadedFile !== null ? <span className="muted">Loaded from {loadedFile}.</span> : null}
    </div>
  );
}

function SavedMappingPicker() {
  const store = useAppStore();
  // Only sources whose files were read through a mapping have one: a Stripe or Shopify source has none to offer.
  const sources = knownSources(
    useApp((s) => s.importHistory),
    GENERIC_CSV,
  );
  const loadedFrom = useApp((s) => s.importMappingLoadedFrom);
  const [source, setSource] = useState(loadedFrom ?? '');
  const [message, setMessage] = useState<string | null>(null);
  const chosen = source !== '' ? source : (sources[0] ?? '');
  if (sources.length === 0) return null;
  return (
    <div className="toolbar saved-mapping">
      <label>
        Start from the saved mapping of
        <select value={chosen} onChange={(e) => setSource(e.currentTarget.value)}>
          {sources.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        onClick={() => {
          setMessage(null);
          void store
            .getState()
            .loadSavedMapping(chosen)
            .then((loaded) => setMessage(loaded ? null : `${chosen} has no saved mapping.`));
        }}
      >
        Load
      </button>
      {loadedFrom !== null && <span className="muted">Started from the saved mapping of {loadedFrom}.</span>}
      {message !== null && <span className="muted">{message}</span>}
    </div>
  );
}

/** The backend's field path (`mapping.columns.amount`) as a mapping path (`columns.amount`). */
function mappingPath(field: string): string | null {
  if (field === 'mapping') return 'mapping';
  return field.startsWith('mapping.') ? field.slice('mapping.'.length) : null;
}

export function MappingEditor() {
  const store = useAppStore();
  const draft = useApp((s) => s.importMappingDraft);
  const files = useApp((s) => s.importFiles);
  const header = files.find((f) => f.preview !== null && f.preview.columns.length > 0)?.preview?.columns ?? [];
  const check = useMemo(() => checkDraft(draft), [draft]);

  const refused: MappingIssue[] = files.flatMap((f) => {
    const path = f.previewError?.field == null ? null : mappingPath(f.previewError.field);
    return path === null || f.previewError === null ? [] : [{ path, message: f.previewError.message }];
  });
  const problems = [...(check.ok ? [] : check.issues), ...refused];
  // Only a preview read through a complete mapping has a verdict on it; a layout-only preview says "map the columns".
  const fileProblems = files.flatMap((f) => (f.previewMapped && f.preview?.error != null ? [{ file: f.fileName, error: f.preview.error }] : []));

  const update = (patch: Partial<MappingDraft>) => store.getState().setImportMappingDraft({ ...store.getState().importMappingDraft, ...patch });
  const column = (key: MappingColumn) => {
    const label = MAPPING_COLUMNS.find((c) => c.key === key)?.label ?? key;
    return (
      <ColumnSelect
        key={key}
        label={label}
        value={draft.columns[key]}
        header={header}
        problems={issuesAt(problems, `columns.${key}`)}
        onChange={(value) => update({ columns: { ...store.getState().importMappingDraft.columns, [key]: value } })}
      />
    );
  };
  const group = (name: 'refs' | 'bank') => MAPPING_COLUMNS.filter((c) => c.group === name && columnInUse(draft, c.key)).map((c) => column(c.key));
  const dateListId = useId();

  return (
    <section className="mapping-editor" aria-label="CSV mapping">
      <h3>CSV mapping</h3>
      <div className="mapping-sources">
        <MappingFileLoader />
        <SavedMappingPicker />
      </div>
      {/* The file's own facts first: until the header line is right, no column list can be. */}
      <Group title="The file: where its table starts and how it is written">
        <TextField
          label="Header line"
          value={draft.headerRow}
          size={4}
          placeholder="1"
          problems={issuesAt(problems, 'header_row')}
          onChange={(headerRow) => update({ headerRow })}
        />
        <Choice
          label="Delimiter"
          value={draft.delimiter}
          options={[
            ['', 'Detect'],
            [',', ', comma'],
            [';', '; semicolon'],
            ['\t', 'tab'],
            ['|', '| pipe'],
          ]}
          problems={issuesAt(problems, 'delimiter')}
          onChange={(delimiter) => update({ delimiter })}
        />
        <Choice
          label="Encoding"
          value={draft.encoding}
          options={[['', 'Detect'], ...TEXT_ENCODINGS.map((e) => [e, e] as const)]}
          problems={issuesAt(problems, 'encoding')}
          onChange={(encoding) => update({ encoding })}
        />
        <span className="muted mapping-file-hint">
          {header.length === 0
            ? 'No header read yet: set the line the column names are on.'
            : `Columns read from line ${draft.headerRow === '' ? '1' : draft.headerRow}: ${header.slice(0, 6).join(', ')}${header.length > 6 ? ', …' : ''}`}
        </span>
      </Group>
      <div className="mapping-grid">
        <Group title="Event kind">
          <Choice
            label="Kind comes from"
            value={draft.kindMode}
            options={[
              ['fixed', 'One kind for every row'],
              ['column', 'A column, value by value'],
              ['sign', "The amount's sign (statements)"],
            ]}
            problems={issuesAt(problems, 'kind')}
            onChange={(kindMode) => update({ kindMode })}
          />
          {draft.kindMode === 'fixed' && <Choice label="Kind" value={draft.kind} options={KIND_OPTIONS} onChange={(kind) => update({ kind })} />}
          {draft.kindMode === 'sign' && (
            <>
              <Choice
                label="Kind when amount ≥ 0"
                value={draft.kindPositive}
                options={KIND_OPTIONS}
                problems={issuesAt(problems, 'kind_by_sign')}
                onChange={(kindPositive) => update({ kindPositive })}
              />
              <Choice
                label="Kind when amount < 0"
                value={draft.kindNegative}
                options={KIND_OPTIONS}
                onChange={(kindNegative) => update({ kindNegative })}
              />
            </>
          )}
          {draft.kindMode === 'column' && <KindValues draft={draft} header={header} problems={problems} update={update} />}
        </Group>

        <Group title="Date">
          {column('occurred_at')}
          <TextField
            label="Date format"
            value={draft.dateFormat}
            list={dateListId}
            size={18}
            problems={issuesAt(problems, 'date_format')}
            onChange={(dateFormat) => update({ dateFormat })}
          />
          <datalist id={dateListId}>
            {DATE_FORMAT_SUGGESTIONS.map((f) => (
              <option key={f} value={f} />
            ))}
          </datalist>
          <TextField
            label="Time zone"
            value={draft.timeZone}
            placeholder="workspace time zone"
            size={18}
            problems={issuesAt(problems, 'time_zone')}
            onChange={(timeZone) => update({ timeZone })}
          />
        </Group>

        <Group title="Amount">
          <Choice
            label="Money comes from"
            value={draft.amountMode}
            options={[
              ['amount', 'One signed amount column'],
              ['debit_credit', 'Debit and credit columns'],
            ]}
            onChange={(amountMode) => update({ amountMode })}
          />
          {draft.amountMode === 'amount' ? column('amount') : [column('debit'), column('credit')]}
          <Choice
            label="Decimal mark"
            value={draft.decimal}
            options={[
              ['.', '. (1234.56)'],
              [',', ', (1234,56)'],
            ]}
            problems={issuesAt(problems, 'decimal')}
            onChange={(decimal) => update({ decimal })}
          />
          <Choice
            label="Thousands separator"
            value={draft.thousands}
            options={[
              ['', 'none'],
              [',', ', (1,234)'],
              ['.', '. (1.234)'],
              [' ', 'space (1 234)'],
              ["'", "' (1'234)"],
            ]}
            problems={issuesAt(problems, 'thousands')}
            onChange={(thousands) => update({ thousands })}
          />
          <Choice
            label="Sign"
            value={draft.sign}
            options={[
              ['as_is', 'As in the file (money in is positive)'],
              ['inverted', 'Inverted (money out is positive)'],
            ]}
            problems={issuesAt(problems, 'sign')}
            onChange={(sign) => update({ sign })}
          />
        </Group>

        <Group title="Currency">
          <Choice
            label="Currency comes from"
            value={draft.currencyMode}
            options={[
              ['fixed', 'The same for every row'],
              ['column', 'A column'],
            ]}
            onChange={(currencyMode) => update({ currencyMode })}
          />
          {draft.currencyMode === 'fixed' ? (
            <TextField
              label="Currency (ISO 4217)"
              value={draft.currency}
              size={5}
              placeholder="EUR"
              problems={issuesAt(problems, 'currency')}
              onChange={(currency) => update({ currency })}
            />
          ) : (
            <>
              {column('currency')}
              <Problems id="currency-problems" messages={issuesAt(problems, 'currency')} />
            </>
          )}
        </Group>

        <Group title="External id">
          <Choice
            label="Each row's id"
            value={draft.externalIdStrategy}
            options={[
              ['column', 'From a column'],
              ['row_hash', 'A hash of the row (no id column)'],
            ]}
            problems={issuesAt(problems, 'external_id_strategy')}
            onChange={(externalIdStrategy) => update({ externalIdStrategy })}
          />
          {draft.externalIdStrategy === 'column' && column('external_id')}
        </Group>

        <Group title="References and amounts">{group('refs')}</Group>

        <Group title="Bank statement">
          {group('bank')}
          <TextField
            label="Fixed account"
            value={draft.account}
            size={20}
            placeholder="when the file names none"
            problems={issuesAt(problems, 'account')}
            onChange={(account) => update({ account })}
          />
          <Choice
            label="Balance order"
            value={draft.balanceOrder}
            options={[
              ['', 'Detect from the dates'],
              ['oldest_first', 'Oldest first'],
              ['newest_first', 'Newest first'],
            ]}
            problems={issuesAt(problems, 'balance_order')}
            onChange={(balanceOrder) => update({ balanceOrder })}
          />
        </Group>

        <Group title="Rows to skip, and the mapping's name">
          <TextField
            label="Skip rows whose first cell matches"
            value={draft.skipFooterMatching}
            size={20}
            placeholder="regular expression"
            problems={issuesAt(problems, 'skip_footer_matching')}
            onChange={(skipFooterMatching) => update({ skipFooterMatching })}
          />
          <ColumnSelect
            label="Skip rows where column"
            value={draft.skipRowsColumn}
            header={header}
            problems={issuesAt(problems, 'skip_rows_where.column')}
            onChange={(skipRowsColumn) => update({ skipRowsColumn })}
          />
          <TextField
            label="matches"
            value={draft.skipRowsPattern}
            size={16}
            placeholder="regular expression"
            problems={issuesAt(problems, 'skip_rows_where.pattern')}
            onChange={(skipRowsPattern) => update({ skipRowsPattern })}
          />
          <TextField
            label="Mapping name"
            value={draft.name}
            size={24}
            placeholder="optional"
            problems={issuesAt(problems, 'name')}
            onChange={(name) => update({ name })}
          />
        </Group>
      </div>

      <div className="mapping-status" aria-live="polite">
        {problems.length > 0 ? (
          <div className="mapping-issues">
            <strong>The mapping is not complete:</strong>
            <ul>
              {problems.map((p, i) => (
                <li key={i}>
                  <code>{p.path}</code>: {p.message}
                </li>
              ))}
            </ul>
          </div>
        ) : fileProblems.length > 0 ? (
          <ul className="mapping-issues">
            {fileProblems.map((p) => (
              <li key={p.file} className="field-error">
                {p.file}: {p.error}
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">The mapping is complete; the previews below read the files through it.</span>
        )}
      </div>
    </section>
  );
}
