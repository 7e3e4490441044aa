// The rollforward of the month: each processor account as a clearing account (opening + sales − fees − refunds −
// disputes ± adjustments − payouts = closing, against the processor's own balance where its data states one), each bank
// account against its statements, payouts in transit and settlements split at the cut-off.
import type { Rollforward } from '../../../../shared/close/closeReport.ts';
import { formatMoney } from '../../format/formatters.ts';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';

type Line<T> = [label: string, value: (row: T) => number | null, strong?: boolean];

function FigureTable<T extends { key: string; currency: string }>({
  caption,
  rows,
  head,
  lines,
}: {
  caption: string;
  rows: T[];
  head: (row: T) => string;
  lines: Line<T>[];
}) {
  const prefs = useDisplayPrefs();
  return (
    <table className="simple rollforward">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th />
          {rows.map((r) => (
            <th key={r.key} className="num">
              {head(r)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {lines.map(([label, value, strong]) => (
          <tr key={label} className={strong === true ? 'total' : undefined}>
            <th scope="row">{label}</th>
            {rows.map((r) => {
              const v = value(r);
              return (
                <td key={r.key} className={v !== null && label === 'Difference' && v !== 0 ? 'num attention' : 'num'}>
                  {v === null ? '—' : formatMoney(v, r.currency, prefs, { code: false })}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RollforwardPanel({ rollforward }: { rollforward: Rollforward }) {
  const prefs = useDisplayPrefs();
  const p = rollforward.processors;
  const b = rollforward.banks;
  return (
    <section className="panel close-rollforward" aria-label="Rollforward">
      <h2>Rollforward</h2>
      {p.length === 0 ? (
        <p className="muted">No processor account has events in the month.</p>
      ) : (
        <FigureTable
          caption="Processor clearing accounts"
          rows={p}
          head={(r) => `${r.source} ${r.currency}`}
          lines={[
            ['Opening', (r) => r.opening],
            ['+ Sales', (r) => r.sales],
            ['− Fees', (r) => r.fees],
            ['− Refunds', (r) => r.refunds],
            ['− Disputes', (r) => r.disputes],
            ['± Adjustments', (r) => r.adjustments + r.priorPeriodItems],
            ['− Payouts', (r) => r.payouts],
            ['= Closing', (r) => r.closing, true],
            ["Processor's own closing", (r) => r.processorClosing],
            ['Difference', (r) => r.difference],
            ['In transit to the bank', (r) => r.inTransit.amount],
            ['Carried forward past the cut-off', (r) => r.carriedForward],
            ['Previous carry-forward reversed', (r) => r.carryForwardReversed],
          ]}
        />
      )}
      {b.length === 0 ? (
        <p className="muted">No bank account has lines or statements in the month.</p>
      ) : (
        <FigureTable
          caption="Bank accounts"
          rows={b}
          head={(r) => `${r.source}${r.account === '' ? '' : ` ${r.account}`} ${r.currency}`}
          lines={[
            ['Opening', (r) => r.opening],
            ['+ Credits', (r) => r.credits],
            ['− Debits', (r) => r.debits],
            ['± Late lines of closed months', (r) => r.priorPeriodItems],
            ['= Closing', (r) => r.closing, true],
            ["Bank's statement closing", (r) => r.bankClosing],
            ['Difference', (r) => r.difference],
          ]}
        />
      )}
      {rollforward.inTransit.length > 0 && (
        <>
          <h3>Payouts in transit at the month’s end</h3>
          <ul className="close-list">
            {rollforward.inTransit.map((t) => (
              <li key={`${t.source} ${t.payout}`}>
                {t.payout} ({t.source}) {formatMoney(t.amount, t.currency, prefs)}, paid {t.paidOn},{' '}
                {t.bankedOn === null ? 'not in the bank yet' : `banked ${t.bankedOn}`}
              </li>
            ))}
          </ul>
        </>
      )}
      {rollforward.straddling.length > 0 && (
        <>
          <h3>Settlements split at the cut-off</h3>
          <ul className="close-list">
            {rollforward.straddling.map((s) => (
              <li key={`${s.source} ${s.payout} ${s.direction}`}>
                {s.payout} ({s.source}): {s.items} items, {formatMoney(s.amount, s.currency, prefs)} {s.direction}
                {s.paidOn === null ? ' (payout not in the ledger yet)' : `, paid ${s.paidOn}`}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
