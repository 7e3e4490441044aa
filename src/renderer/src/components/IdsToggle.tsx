// Shows or hides the id columns of every grid (exception, match and event ids): people read names, dates and
// amounts first; the ids are one tick away when a system or a colleague asks for them.
import { useApp, useAppStore } from '../store/storeContext.tsx';

export function IdsToggle() {
  const store = useAppStore();
  const showIds = useApp((s) => s.showIds);
  return (
    <label className="checkbox ids-toggle">
      <input type="checkbox" checked={showIds} onChange={(e) => store.getState().setShowIds(e.currentTarget.checked)} />
      Show ids
    </label>
  );
}
