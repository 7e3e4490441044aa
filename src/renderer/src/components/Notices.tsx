// Readable messages from the backend (errors, confirmations), dismissable, never a blank screen.
import { useApp, useAppStore } from '../store/storeContext.tsx';

export function Notices() {
  const notices = useApp((s) => s.notices);
  const store = useAppStore();
  return (
    <div className="notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'}>
          <span>{n.text}</span>
          <button type="button" className="ghost" aria-label="Dismiss" onClick={() => store.getState().dismissNotice(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
