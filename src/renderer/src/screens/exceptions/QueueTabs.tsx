// The work queues above the Exceptions grid (issue 13): All, My queue, Team, Unassigned, Escalated, Due today, each
// with its count of live exceptions in the period. A queue narrows the grid; the other filters still apply.
import type { ExceptionQueue } from '../../../../shared/api/ownershipContract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatCount } from '../../format/formatters.ts';

const TABS: ReadonlyArray<{ queue: ExceptionQueue | null; label: string; hint: string }> = [
  { queue: null, label: 'All', hint: 'Every exception the filters let through' },
  { queue: 'mine', label: 'My queue', hint: 'Owned by you, or handed to you by an escalation step' },
  { queue: 'team', label: 'Team', hint: 'Every open exception, whoever owns it' },
  { queue: 'unassigned', label: 'Unassigned', hint: 'Open, and its domain has no owner' },
  { queue: 'escalated', label: 'Escalated', hint: 'Unresolved past 24 h (backup) or 72 h (escalation contact)' },
  { queue: 'due_today', label: 'Due today', hint: 'SLA due before the end of today, overdue included' },
];

export function QueueTabs() {
  const store = useAppStore();
  const current = useApp((s) => s.exceptionsFilterInput.queue);
  const counts = useApp((s) => s.exceptionsFacets?.queues ?? null);
  const me = useApp((s) => s.exceptionsFacets?.me ?? null);
  const { locale } = useDisplayPrefs();
  return (
    <div className="exceptions-queues" role="tablist" aria-label="Queues">
      {TABS.map((t) => {
        const n = t.queue === null || counts === null ? null : counts[t.queue];
        const title = t.queue === 'mine' && me === null ? 'Say who you are in Settings → Owners to have a queue' : t.hint;
        return (
          <button
            key={t.label}
            type="button"
            role="tab"
            aria-selected={current === t.queue}
            className={current === t.queue ? 'queue-tab active' : 'queue-tab'}
            title={title}
            onClick={() => store.getState().showQueue(t.queue)}
          >
            {t.label}
            {n !== null ? (
              <span className={t.queue === 'escalated' && n > 0 ? 'queue-count attention' : 'queue-count'}>{formatCount(n, locale)}</span>
            ) : null}
          </button>
        );
      })}
    </div>
  );
}
