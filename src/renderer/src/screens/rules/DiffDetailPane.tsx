// One difference opened: the event, and side by side what the live results and the version hold for it, each with
// the engine's explanation and its runner-ups.
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatInstant } from '../../format/formatters.ts';
import { OutcomeItems } from './OutcomeItems.tsx';

export function DiffDetailPane() {
  const store = useAppStore();
  const prefs = useDisplayPrefs();
  const open = useApp((s) => s.rulesDiffOpen);
  const version = useApp((s) => s.rulesSelected);
  const detail = useApp((s) => s.rulesDiffDetail);
  const error = useApp((s) => s.rulesDiffDetailError);
  if (open === null) return null;
  return (
    <aside className="detail-panel diff-detail" aria-label="Difference">
      <div className="toolbar">
        <h2>Live and {version}, side by side</h2>
        <span className="spacer" />
        <button type="button" className="ghost" aria-label="Close the difference" onClick={() => store.getState().closeDiff()}>
          Close
        </button>
      </div>
      {error !== null ? (
        <p role="alert">{error}</p>
      ) : detail === null ? (
        <p className="muted" role="status">
          Reading both sides…
        </p>
      ) : (
        <>
          <p>
            {detail.event.kind.replace('_', ' ')} · {detail.event.source} ·{' '}
            {detail.event.counterparty ?? detail.event.description ?? detail.event.externalId} ·{' '}
            <Amount minor={detail.event.amountMinor} currency={detail.event.currency} kind={detail.event.kind} /> ·{' '}
            {formatInstant(detail.event.occurredAt, prefs)} <span className="muted mono">{detail.event.eventId}</span>
          </p>
          <div className="side-by-side">
            <OutcomeItems
              title="Live"
              items={detail.live}
              currency={detail.event.currency}
              empty="Unmatched, no exception: the live rules leave it alone."
            />
            <OutcomeItems
              title={`This version (${version ?? ''})`}
              items={detail.version}
              currency={detail.event.currency}
              empty="Unmatched, no exception: this version leaves it alone."
            />
          </div>
        </>
      )}
    </aside>
  );
}
