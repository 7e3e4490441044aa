// Open exceptions of the period by code and class: how many, and the amount at stake in each currency (never summed
// across). A row opens the Exceptions grid filtered to it.
import type { Dashboard } from '../../../../shared/api/contract.ts';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { codeLabel, formatCount } from '../../format/formatters.ts';
import { useAppStore } from '../../store/storeContext.tsx';

export function OpenExceptionsTable({ rows }: { rows: Dashboard['openByCodeAndClass'] }) {
  const { locale } = useDisplayPrefs();
  const store = useAppStore();
  return (
    <section className="panel" aria-labelledby="dashboard-open-table-heading">
      <h2 id="dashboard-open-table-heading">Open exceptions by code and class</h2>
      {rows.length === 0 ? (
        <p className="empty">No exception is open.</p>
      ) : (
        <table className="simple">
          <thead>
            <tr>
              <th>Code</th>
              <th>Class</th>
              <th className="num">Open</th>
              <th className="num">At stake</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.code}|${r.class}`}>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    title={`Show the open ${codeLabel(r.code).toLowerCase()} exceptions of class ${r.class}`}
                    onClick={() => store.getState().showExceptionsFiltered({ codes: [r.code], classes: [r.class] })}
                  >
                    {codeLabel(r.code)}
                  </button>
                </td>
                <td>
                  <span className={`badge class-${r.class}`}>{r.class}</span>
                </td>
                <td className="num">{formatCount(r.count, locale)}</td>
                <td className="num">
                  {r.atStake.length === 0
                    ? '—'
                    : r.atStake.map((m) => (
                        <div key={m.currency}>
                          <Amount minor={m.amountMinor} currency={m.currency} magnitude />
                        </div>
                      ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
