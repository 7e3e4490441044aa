// Why the engine decided what it did: the rule (id and version), its summary, each key compared and whether
// it agreed, the amount and time deltas, and the runners-up with why they lost.
import type { Explanation } from '../../../shared/api/contract.ts';
import { formatInstant } from '../format/formatters.ts';
import { Amount } from './Amount.tsx';
import { useDisplayPrefs } from './useDisplayPrefs.ts';

function hoursText(hours: number): string {
  const sign = hours > 0 ? '+' : hours < 0 ? '−' : '';
  const abs = Math.abs(hours);
  if (abs >= 48) return `${sign}${(abs / 24).toFixed(1)} days`;
  return `${sign}${abs.toFixed(1)} h`;
}

function scoreText(score: number | null): string {
  return score === null ? '—' : score.toFixed(2);
}

/**
 * `currency` is the currency of the amounts compared; without it the amount delta is shown in minor units,
 * since the explanation itself does not say which currency they are in.
 */
export function ExplanationView({ explanation, currency }: { explanation: Explanation; currency?: string }) {
  const prefs = useDisplayPrefs();
  const e = explanation;
  const rule = e.ruleId === null ? null : `${e.ruleId}${e.ruleVersion === null ? '' : ` (rule set ${e.ruleSetId ?? '?'} v${e.ruleVersion})`}`;
  return (
    <div className="explanation" style={{ display: 'flex', flexDirection: 'column', gap: 10 }}>
      <p className="explanation-summary" style={{ margin: 0 }}>
        {e.summary}
      </p>
      <dl className="fields">
        <dt>Rule</dt>
        <dd className="mono">{rule ?? <span className="muted">none (no rule decided this)</span>}</dd>
        {e.strategy !== null ? (
          <>
            <dt>Strategy</dt>
            <dd>{e.strategy}</dd>
          </>
        ) : null}
        {e.link !== null ? (
          <>
            <dt>Link</dt>
            <dd className="mono">{e.link}</dd>
          </>
        ) : null}
        {e.score !== null ? (
          <>
            <dt>Score</dt>
            <dd className="num">{scoreText(e.score)}</dd>
          </>
        ) : null}
        <dt>Amount delta</dt>
        <dd>
          {e.amountDeltaMinor === null ? (
            <span className="muted">—</span>
          ) : currency !== undefined ? (
            <Amount minor={e.amountDeltaMinor} currency={currency} />
          ) : (
            <span className={e.amountDeltaMinor < 0 ? 'amount negative' : 'amount'}>{e.amountDeltaMinor} minor units</span>
          )}
        </dd>
        <dt>Time delta</dt>
        <dd>{e.timeDeltaHours === null ? <span className="muted">—</span> : hoursText(e.timeDeltaHours)}</dd>
        {e.policy !== null ? (
          <>
            <dt>Policy</dt>
            <dd>{e.policy}</dd>
          </>
        ) : null}
      </dl>

      {e.keys.length > 0 ? (
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
            {e.keys.map((k, i) => (
              <tr key={`${k.leftField}-${k.rightField}-${i}`}>
                <td>
                  <span className="mono">
                    {k.leftField === k.rightField ? k.leftField : `${k.leftField} ↔ ${k.rightField}`}
                  </span>
                  <div className="muted">
                    {k.compare} {k.value.toFixed(2)}
                  </div>
                </td>
                <td className="mono">{k.leftValue}</td>
                <td className="mono">{k.rightValue}</td>
                <td>{k.agreed ? <span className="badge class-A">agreed</span> : <span className="badge class-C">disagreed</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
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
                  Score
                </th>
                <th scope="col">Why it lost</th>
              </tr>
            </thead>
            <tbody>
              {e.runnersUp.map((r) => (
                <tr key={r.event.eventId}>
                  <td>
                    <div>
                      {r.event.kind} <span className="mono">{r.event.externalId}</span>
                    </div>
                    <div className="muted">
                      {r.event.source} · {formatInstant(r.event.occurredAt, prefs)}
                    </div>
                  </td>
                  <td className="num">
                    <Amount minor={r.event.amountMinor} currency={r.event.currency} />
                  </td>
                  <td className="num">{scoreText(r.score)}</td>
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
