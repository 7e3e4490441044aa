// Code groups of the owner domains (DESIGN §7) over the Exceptions grid (the work queues are QueueTabs): Fulfillment is the orders ↔ shipments codes, Ads the
// spend, billing and claimed-revenue codes (src/shared/growth/growthCodes.ts). A queue is a code filter: picking one
// replaces the codes chosen, and the other filters stay.
import { ADS_CODES, FULFILLMENT_CODES } from '../../../../shared/growth/growthCodes.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import type { ExceptionCode } from '../../store/exceptionsSlice.ts';

const QUEUES: ReadonlyArray<{ id: string; label: string; codes: readonly ExceptionCode[] }> = [
  { id: 'fulfillment', label: 'Fulfillment', codes: FULFILLMENT_CODES },
  { id: 'ads', label: 'Ads', codes: ADS_CODES },
];

const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().join() === [...b].sort().join();

export function QueuePicker() {
  const store = useAppStore();
  const codes = useApp((s) => s.exceptionsFilterInput.codes);
  const current = QUEUES.find((q) => same(q.codes, codes))?.id ?? (codes.length === 0 ? 'all' : 'custom');
  return (
    <label className="exceptions-queue">
      Code group
      <select
        value={current}
        onChange={(e) => {
          const queue = QUEUES.find((q) => q.id === e.target.value);
          if (queue !== undefined || e.target.value === 'all')
            store.getState().setExceptionsFilter({ codes: queue === undefined ? [] : [...queue.codes] });
        }}
      >
        <option value="all">All exceptions</option>
        {QUEUES.map((q) => (
          <option key={q.id} value={q.id}>
            {q.label}
          </option>
        ))}
        {current === 'custom' ? <option value="custom">The codes chosen</option> : null}
      </select>
    </label>
  );
}
