// Escalation steps of the SLA clock as desktop notifications (Electron): one per step, or one summary when several
// came due together, so a long absence does not bury the screen; clicking one brings the app window forward.
import { Notification } from 'electron';
import type { Notification as Escalation } from '../../shared/api/ownershipContract.ts';

/** Above this many steps at once, one summary notification instead of one each. */
export const MAX_SEPARATE_NOTIFICATIONS = 3;

export function showEscalations(steps: readonly Escalation[], onClick: () => void): number {
  if (steps.length === 0 || !Notification.isSupported()) return 0;
  const exceptions = new Set(steps.map((s) => s.exceptionId)).size;
  const mine = new Set(steps.filter((s) => s.forMe).map((s) => s.exceptionId)).size;
  const shown =
    steps.length <= MAX_SEPARATE_NOTIFICATIONS
      ? steps.map((s) => ({ title: s.title, body: s.body }))
      : [
          {
            title: `${exceptions} exception${exceptions === 1 ? '' : 's'} escalated (${steps.length} steps)`,
            body: `${mine > 0 ? `${mine} of them ${mine === 1 ? 'concerns' : 'concern'} you. ` : ''}Open Tieout's Escalated queue to see them.`,
          },
        ];
  for (const n of shown) {
    const notification = new Notification({ title: n.title, body: n.body });
    notification.on('click', onClick);
    notification.show();
  }
  return shown.length;
}
