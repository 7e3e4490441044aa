// The escalation notifications in the app (issue 13): a bell in the top bar counting the steps not yet seen, and the
// list of the latest ones (the SLA clock's steps, kept in the journal). In the browser host this is the only place
// they show; the Electron shell raises each as a desktop notification too. A step opens its exception.
import { useEffect, useState } from 'react';
import { useApp, useAppStore } from '../store/storeContext.tsx';
import { useDisplayPrefs } from './useDisplayPrefs.ts';
import { formatInstant } from '../format/formatters.ts';

export function NotificationBell() {
  const store = useAppStore();
  const notifications = useApp((s) => s.notifications);
  const seen = useApp((s) => s.notificationsSeenSeq);
  const workspacePath = useApp((s) => s.workspace?.path);
  const prefs = useDisplayPrefs();
  const [open, setOpen] = useState(false);
  const unseen = notifications.filter((n) => n.seq > seen).length;

  useEffect(() => {
    void store.getState().loadNotifications();
  }, [store, workspacePath]);

  function toggle() {
    if (open) store.getState().markNotificationsSeen();
    setOpen(!open);
  }

  function show(exceptionId: string) {
    const s = store.getState();
    s.markNotificationsSeen();
    setOpen(false);
    s.showScreen('exceptions');
    void s.openExceptionDetail(exceptionId);
  }

  return (
    <div className="notification-bell">
      <button type="button" className="ghost" aria-expanded={open} aria-label={`Notifications, ${unseen} new`} onClick={toggle}>
        Notifications{unseen > 0 ? <span className="bell-count">{unseen}</span> : null}
      </button>
      {open ? (
        <div className="notification-list panel" role="dialog" aria-label="Notifications">
          {notifications.length === 0 ? <p className="muted">No escalation yet.</p> : null}
          <ul>
            {notifications.map((n) => (
              <li key={n.seq} className={n.seq > seen ? 'unseen' : undefined}>
                <button type="button" className="ghost" onClick={() => show(n.exceptionId)}>
                  <strong>{n.title}</strong>
                  {n.forMe ? <span className="badge">for you</span> : null}
                  <span className="muted"> {formatInstant(n.at, prefs)}</span>
                  <div>{n.body}</div>
                </button>
              </li>
            ))}
          </ul>
          <div className="toolbar">
            <button type="button" className="ghost" onClick={toggle}>
              Close
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
