// Why the engine decided what it did, in words: the rule (id and version), its summary, the keys compared (for a
// match only those that decided it, the rest one click away), the amount difference in currency, the time apart as
// days and hours, the score as a percentage, and the runners-up with why they lost.
import { useState } from 'react';
import type { Explanation } from '../../../shared/api/contract.ts';
import { formatDate, formatDuration, formatScore, linkLabel } from '../format/formatters.ts';
import { businessDate } from '../../../shared/time/period.ts';
import { Amount } from './Amount.tsx';
import { useDisplayPrefs } from './useDisplayPrefs.ts';

const FIELD_WORDS: Record<string, string> = {
  order_ref: 'order ref',
  customer_ref: 'customer',
  payout_ref: 'payout ref',
  trace_id: 'trace id',
  external_id: 'id',
};

function fieldWords(field: string): string {
  return FIELD_WORDS[field] ?? field.replace(/^attributes\./, '').replace(/_/g, ' ');
}

function compareWords(compare: string, value: number): string {
  if (compare === 'similarity') return `${formatScore(value)} alike`;
  if (compare === 'contains') return 'contains';
  return 'equal';
}

/** `differencesMatter`: an exception's keys, where a key that differs is why it is one. */
function KeysTable({ keys, differencesMatter }: { keys: Explanation['keys']; differencesMatter: boolean }) {
  return (
    <table className="simple explanation-keys" aria-label="Keys compared">
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Left</th>
          <th scope="col">Right</th>
          <th scope="col">Result</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k, i) => (
          <tr key={`${k.leftField}-${k.rightField}-${i}`}>
            <td>
              {k.leftField === k.rightField ? fieldWords(k.leftField) : `${fieldWords(k.leftField)} ↔ ${fieldWords(k.rightField)}`}
              <div className="muted">{compareWords(k.compare, k.value)}</div>
            </td>
            <td className="mono">{k.leftValue}</td>
            <td className="mono">{k.rightValue}</td>
            <td>
              {k.agreed ? (
                <span className="badge agreed">agrees</span>
              ) : (
                <span className={differencesMatter ? 'badge differs attention' : 'badge differs'}>differs</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * `currency`: the currency of the amounts compared. `keys`: 'deciding' (a match: the keys that agreed, which are what
 * tied it) or 'all' (an exception: the keys that differed are the point).
 */
export function ExplanationView({
  explanation,
  currency,
  keys = 'deciding',
}: {
  explanation: Explanation;
  currency: string;
  keys?: 'deciding' | 'all';
}) {
  const { locale, timeZone } = useDisplayPrefs();
  const [allKeys, setAllKeys] = useState(false);
  const e = explanation;
  const rule = e.ruleId === null ? null : `${e.ruleId}${e.ruleVersion === null ? '' : ` (rule set ${e.ruleSetId ?? '?'} v${e.ruleVersion})`}`;
  const deciding = e.keys.filter((k) => k.agreed);
  const shownKeys = keys === 'all' || allKeys ? e.keys : deciding;
  const hidden = e.keys.length - shownKeys.length;
  return (
    <div className="explanation">
      <p className="explanation-summary">{e.summary}</p>
      <dl className="fields">
        <dt>Rule</dt>
        <dd className="mono">{rule ?? <span className="muted">none (no rule decided this)</span>}</dd>
        {e.link !== null ? (
          <>
            <dt>Link</dt>
            <dd>{linkLabel(e.link)}</dd>
          </>
        ) : null}
        {e.score !== null ? (
          <>
            <dt>Fit</dt>
            <dd>{formatScore(e.score)}</dd>
          </>
        ) : null}
        <dt>Amounts</dt>
        <dd>
          {e.amountDeltaMinor === null ? (
            <span className="muted">—</span>
          ) : e.amountDeltaMinor === 0 ? (
            'the same'
          ) : (
            <>
              differ by <Amount minor={e.amountDeltaMinor} currency={currency} magnitude />
            </>
          )}
        </dd>
        <dt>Time apart</dt>
        <dd>{e.timeDeltaHours === null ? <span className="muted">—</span> : formatDuration(e.timeDeltaHours)}</dd>
        {e.policy !== null ? (
          <>
            <dt>Policy</dt>
            <dd>{e.policy}</dd>
          </>
        ) : null}
      </dl>

      {shownKeys.length > 0 ? <KeysTable keys={shownKeys} differencesMatter={keys === 'all'} /> : null}
      {keys === 'deciding' && e.keys.length > 0 && deciding.length === 0 && !allKeys ? (
        <p className="muted">No key decided it: amount and time did.</p>
      ) : null}
      {keys === 'deciding' && (hidden > 0 || allKeys) && e.keys.length > deciding.length ? (
        <button type="button" className="ghost" aria-expanded={allKeys} onClick={() => setAllKeys(!allKeys)}>
          {allKeys ? 'Show only the keys that decided' : `Show all ${e.keys.length} keys compared`}
        </button>
      ) : null}

      {e.runnersUp.length > 0 ? (
        <div>
          <h3>Runners-up</h3>
          <table className="simple explanation-runners-up" aria-label="Runners-up">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col" className="num">
                  Fit
                </th>
                <th scope="col">Why it lost</th>
              </tr>
            </thead>
            <tbody>
              {e.runnersUp.map((r) => (
                <tr key={r.event.eventId}>
                  <td>
                    <div>
                      {r.event.kind.replace('_', ' ')} · {r.event.counterparty ?? r.event.description ?? r.event.externalId}
                    </div>
                    <div className="muted">
                      {formatDate(businessDate(r.event, timeZone), locale)} · <span className="mono">{r.event.externalId}</span>
                    </div>
                  </td>
                  <td className="num">
                    <Amount minor={r.event.amountMinor} currency={r.event.currency} kind={r.event.kind} />
                  </td>
                  <td className="num">{formatScore(r.score)}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
