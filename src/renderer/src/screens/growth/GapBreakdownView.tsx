// An open day × platform row: its gap broken into parts that add up to it exactly, each with the events behind it
// (orders, the platform's own claim rows), listed when asked for.
import type { GrowthRow } from '../../../../shared/growth/growthReport.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { Amount } from '../../components/Amount.tsx';
import { formatInstant } from '../../format/formatters.ts';
import { GAP_PARTS, platformLabel, type GapPart } from './growthFigures.ts';
import { rowKey } from '../../store/growthSlice.ts';

function PartEvents({ partKey }: { partKey: string }) {
  const prefs = useDisplayPrefs();
  const state = useApp((s) => s.growthPartEvents[partKey]);
  if (state === undefined) return null;
  if (state.loading) return <p className="muted">Reading the events…</p>;
  if (state.error !== null) return <p role="alert">The events could not be read: {state.error}</p>;
  return (
    <table className="simple growth-events">
      <thead>
        <tr>
          <th>When</th>
          <th>Source</th>
          <th>Kind</th>
          <th>Record</th>
          <th>Order</th>
          <th className="num">Amount</th>
        </tr>
      </thead>
      <tbody>
        {state.events.map((e) => (
          <tr key={e.eventId}>
            <td className="date">{formatInstant(e.occurredAt, prefs)}</td>
            <td className="mono">{e.source}</td>
            <td>{e.kind.replace('_', ' ')}</td>
            <td className="mono">{e.externalId}</td>
            <td className="mono">{e.orderRef ?? '—'}</td>
            <td className="num">
              <Amount minor={e.amountMinor} currency={e.currency} kind={e.kind} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PartLine({ row, part, currency }: { row: GrowthRow; part: GapPart; currency: string }) {
  const store = useAppStore();
  const minor = row.breakdown?.[part.field] ?? 0;
  const ids = row.events[part.eventsKey] ?? [];
  const partKey = `${rowKey(row)}|${part.eventsKey}`;
  const shown = useApp((s) => s.growthPartEvents[partKey] !== undefined);
  return (
    <li className={minor === 0 ? 'growth-part zero' : 'growth-part'}>
      <span className="growth-part-label" title={part.hint}>
        {part.label}
      </span>
      <span className="num">
        <Amount minor={minor} currency={currency} />
      </span>
      {ids.length > 0 && minor !== 0 ? (
        <button type="button" className="link-button" onClick={() => void store.getState().loadGrowthPart(partKey, ids)} disabled={shown}>
          {ids.length === 1 ? '1 event' : `${ids.length} events`}
        </button>
      ) : (
        <span />
      )}
      {shown ? <PartEvents partKey={partKey} /> : null}
    </li>
  );
}

export function GapBreakdownView({ row, currency }: { row: GrowthRow; currency: string }) {
  if (row.breakdown === null) {
    return (
      <p className="muted">Store orders no ad platform can be tied to ({row.storeOrders}): nothing claims them, so there is no gap to break down.</p>
    );
  }
  return (
    <section aria-label={`Gap breakdown of ${platformLabel(row.platform)} on ${row.date}`} className="growth-breakdown">
      <p className="muted">
        Claimed <Amount minor={row.platformValueMinor ?? 0} currency={currency} /> − store net{' '}
        <Amount minor={row.storeNetMinor} currency={currency} /> = gap{' '}
        <strong>
          <Amount minor={row.gapMinor ?? 0} currency={currency} />
        </strong>
        , made of:
      </p>
      <ul className="growth-parts">
        {GAP_PARTS.map((p) => (
          <PartLine key={p.field} row={row} part={p} currency={currency} />
        ))}
      </ul>
    </section>
  );
}
