// The panel beside the payouts list: the open payout's waterfall, fetched again when matches or imports change.
import { useEffect, useRef } from 'react';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { PayoutWaterfallView } from './PayoutWaterfallView.tsx';

export function PayoutDetailPane() {
  const store = useAppStore();
  const selectedId = useApp((s) => s.payoutsSelectedId);
  const waterfall = useApp((s) => s.payoutsWaterfall);
  const loading = useApp((s) => s.payoutsWaterfallLoading);
  const error = useApp((s) => s.payoutsWaterfallError);
  const matchesChanged = useApp((s) => s.changes.matches);
  const importsChanged = useApp((s) => s.changes.imports);

  const seen = useRef({ matchesChanged, importsChanged });
  useEffect(() => {
    if (seen.current.matchesChanged === matchesChanged && seen.current.importsChanged === importsChanged) return;
    seen.current = { matchesChanged, importsChanged };
    void store.getState().reloadPayout();
  }, [store, matchesChanged, importsChanged]);

  if (selectedId === null) return null;
  const title = waterfall !== null ? `Payout ${waterfall.payout.externalId}` : 'Payout';
  return (
    <aside className="detail-panel payouts-detail" aria-label="Payout waterfall">
      <div className="toolbar">
        <h2>{title}</h2>
        <span className="spacer" />
        <button type="button" className="ghost" onClick={() => store.getState().closePayout()} title="Close (Escape)">
          Close
        </button>
      </div>
      {waterfall !== null ? (
        <PayoutWaterfallView waterfall={waterfall} onOpenException={(id) => void store.getState().openPayoutException(id)} />
      ) : loading ? (
        <p className="muted" role="status">
          Loading the waterfall…
        </p>
      ) : error !== null ? (
        <div className="panel error-panel" role="alert">
          <p>The waterfall could not be loaded: {error}</p>
          <button type="button" onClick={() => void store.getState().reloadPayout()}>
            Try again
          </button>
        </div>
      ) : null}
    </aside>
  );
}
