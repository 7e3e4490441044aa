// One rule of the draft as a form: what it compares (strategy, sides, keys), how closely (amount tolerance, windows),
// in which order (priority) and what a hit produces. Every field shows the schema's error for its JSON path.
import type { ReactElement } from 'react';
import { EXCEPTION_CODES, STRATEGIES } from '../../../../shared/rules/ruleSet.ts';
import { FormField } from '../settings/FormField.tsx';
import { getAt, listFromText, numberFromText, textOf, type Draft, type Json, type Path } from './ruleDraft.ts';

interface RuleFormProps {
  draft: Draft;
  index: number;
  errors: Map<string, string>;
  onChange(path: Path, value: Json | undefined): void;
}

const COMPARES = ['equal', 'normalized_equal', 'contains', 'similarity'] as const;

export function RuleForm({ draft, index, errors, onChange }: RuleFormProps) {
  const base: Path = ['rules', index];
  const at = (rel: Path) => getAt(draft, [...base, ...rel]);
  const error = (rel: Path) => errors.get([...base, ...rel].join('.'));
  const id = (rel: Path) => `rule-${[...rel].join('-')}`;

  function field(rel: Path, label: string, control: ReactElement<{ 'aria-invalid'?: boolean; 'aria-describedby'?: string }>, hint?: string) {
    return (
      <FormField id={id(rel)} label={label} error={error(rel)} hint={hint}>
        {control}
      </FormField>
    );
  }
  const text = (rel: Path, label: string, hint?: string) =>
    field(rel, label, <input type="text" value={textOf(at(rel))} onChange={(e) => onChange([...base, ...rel], e.target.value)} />, hint);
  const num = (rel: Path, label: string, hint?: string) =>
    field(
      rel,
      label,
      <input
        type="text"
        inputMode="decimal"
        className="num"
        value={textOf(at(rel))}
        onChange={(e) => onChange([...base, ...rel], numberFromText(e.target.value))}
      />,
      hint,
    );
  const list = (rel: Path, label: string, hint: string) =>
    field(
      rel,
      label,
      <input type="text" value={textOf(at(rel))} onChange={(e) => onChange([...base, ...rel], listFromText(e.target.value))} />,
      hint,
    );
  const choice = (rel: Path, label: string, values: readonly string[], empty?: string) =>
    field(
      rel,
      label,
      <select value={textOf(at(rel))} onChange={(e) => onChange([...base, ...rel], e.target.value === '' ? undefined : e.target.value)}>
        {empty !== undefined ? <option value="">{empty}</option> : null}
        {values.map((v) => (
          <option key={v} value={v}>
            {v.replace(/_/g, ' ')}
          </option>
        ))}
      </select>,
    );

  const keys = Array.isArray(at(['keys'])) ? (at(['keys']) as Json[]) : [];
  const produces = textOf(at(['produces', 'type'])) || 'match';
  return (
    <div className="rule-form" aria-label={`Rule ${textOf(at(['id']))}`} role="group">
      <fieldset>
        <legend>What it decides</legend>
        <div className="rule-form-row">
          {text(['description'], 'Description')}
          {num(['priority'], 'Priority', 'lower runs first')}
          {text(['link'], 'Link', 'e.g. order_payment')}
          {choice(['strategy'], 'Strategy', STRATEGIES)}
          {choice(['cardinality'], 'Cardinality', ['one_to_one', 'one_to_many', 'many_to_one'], 'one to one (default)')}
        </div>
      </fieldset>
      <fieldset>
        <legend>Sides</legend>
        <div className="rule-form-row">
          {list(['left', 'kinds'], 'Left kinds', 'e.g. order')}
          {list(['left', 'sources'], 'Left sources', 'empty: any source')}
          {list(['right', 'kinds'], 'Right kinds', 'e.g. payment')}
          {list(['right', 'sources'], 'Right sources', 'empty: any source')}
        </div>
      </fieldset>
      <fieldset>
        <legend>Keys compared</legend>
        {error(['keys']) !== undefined ? (
          <p className="field-error" role="alert">
            {error(['keys'])}
          </p>
        ) : null}
        {keys.map((_, k) => (
          <div className="rule-form-row" key={k} role="group" aria-label={`Key ${k + 1}`}>
            {text(['keys', k, 'left'], `Key ${k + 1} left field`)}
            {text(['keys', k, 'right'], `Key ${k + 1} right field`)}
            {choice(['keys', k, 'compare'], `Key ${k + 1} comparison`, COMPARES)}
            {num(['keys', k, 'threshold'], `Key ${k + 1} threshold`, 'similarity only, 0 to 1')}
            <button type="button" className="ghost" onClick={() => onChange([...base, 'keys', k], undefined)}>
              Remove key {k + 1}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="ghost"
          onClick={() => onChange([...base, 'keys', keys.length], { left: 'order_ref', right: 'order_ref', compare: 'equal' })}
        >
          Add a key
        </button>
      </fieldset>
      <fieldset>
        <legend>Amount</legend>
        <div className="rule-form-row">
          {num(['amount', 'tolerance_minor'], 'Amount tolerance (minor units)')}
          {num(['amount', 'tolerance_bps'], 'Amount tolerance (bps)', 'of the left amount; the larger applies')}
          {num(['amount', 'rounding_minor'], 'Rounding (minor units)', 'a difference up to this is a rounding difference')}
          {choice(['amount', 'sign'], 'Signs', ['same', 'opposite'], 'same (default)')}
          {field(
            ['amount', 'net_fees'],
            'Compare net of fees',
            <input
              type="checkbox"
              checked={at(['amount', 'net_fees']) === true}
              onChange={(e) => onChange([...base, 'amount', 'net_fees'], e.target.checked ? true : undefined)}
            />,
          )}
        </div>
      </fieldset>
      <fieldset>
        <legend>Window</legend>
        <div className="rule-form-row">
          {num(['window', 'before_days'], 'Days before')}
          {num(['window', 'after_days'], 'Days after')}
          {num(['window', 'extended_after_days'], 'Extended days after', 'found later but within: a timing difference')}
          {choice(['window', 'unit'], 'Counted in', ['days', 'business_days'], 'calendar days (default)')}
        </div>
      </fieldset>
      <fieldset>
        <legend>A hit produces</legend>
        <div className="rule-form-row">
          {field(
            ['produces', 'type'],
            'Produces',
            <select
              value={produces}
              onChange={(e) =>
                onChange(
                  [...base, 'produces'],
                  e.target.value === 'match' ? { type: 'match' } : { type: 'auto_resolved_exception', code: 'TIMING_DIFF' },
                )
              }
            >
              <option value="match">a match</option>
              <option value="auto_resolved_exception">an auto-resolved exception</option>
            </select>,
          )}
          {produces === 'auto_resolved_exception' ? choice(['produces', 'code'], 'Exception code', EXCEPTION_CODES) : null}
        </div>
      </fieldset>
    </div>
  );
}
