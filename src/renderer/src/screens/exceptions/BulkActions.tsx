// Decisions on the rows ticked in the grid: resolve with a reason, comment, or reassign. Each asks for its text first.
import { useState } from 'react';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { TextActionForm } from './TextActionForm.tsx';
import { ResolveForm } from './ResolveForm.tsx';
import { ReassignForm } from './ReassignForm.tsx';

type BulkForm = 'resolve' | 'comment' | 'reassign' | null;

function exceptionsText(n: number): string {
  return `${n} exception${n === 1 ? '' : 's'}`;
}

export function BulkActions() {
  const store = useAppStore();
  const selected = useApp((s) => s.exceptionsSelectedIds);
  const busy = useApp((s) => s.exceptionsBusy);
  const [form, setForm] = useState<BulkForm>(null);
  const count = selected.length;
  const shownForm = count > 0 ? form : null;

  return (
    <div className="exceptions-bulk" role="region" aria-label="Bulk actions">
      <div className="toolbar">
        <span className={count > 0 ? '' : 'muted'}>
          {count > 0 ? `${exceptionsText(count)} selected` : 'Tick rows to act on several exceptions at once (Shift+click for a range).'}
        </span>
        <button type="button" disabled={count === 0 || busy} onClick={() => setForm('resolve')}>
          Resolve selected…
        </button>
        <button type="button" disabled={count === 0 || busy} onClick={() => setForm('comment')}>
          Comment on selected…
        </button>
        <button type="button" disabled={count === 0 || busy} onClick={() => setForm('reassign')}>
          Reassign selected…
        </button>
        <button type="button" className="ghost" disabled={count === 0} onClick={() => store.getState().setExceptionsSelected([])}>
          Clear selection
        </button>
      </div>
      {shownForm === 'resolve' ? (
        <ResolveForm
          key="resolve"
          title={`Resolve ${exceptionsText(count)}`}
          submitLabel={`Resolve ${exceptionsText(count)}`}
          busy={busy}
          onSubmit={async (resolution) => {
            const done = await store.getState().resolveExceptions(selected, resolution);
            if (done) setForm(null);
            return done;
          }}
          onCancel={() => setForm(null)}
        />
      ) : null}
      {shownForm === 'reassign' ? (
        <ReassignForm
          key="reassign"
          title={`Reassign ${exceptionsText(count)}`}
          submitLabel={`Reassign ${exceptionsText(count)}`}
          reasonRequired={null}
          busy={busy}
          onSubmit={async (owner, reason) => {
            const done = await store.getState().reassignExceptions(selected, owner, reason);
            if (done) setForm(null);
            return done;
          }}
          onCancel={() => setForm(null)}
        />
      ) : null}
      {shownForm === 'comment' ? (
        <TextActionForm
          key="comment"
          title={`Comment on ${exceptionsText(count)}`}
          label="Comment"
          submitLabel="Add comment"
          busy={busy}
          onSubmit={async (text) => {
            const done = await store.getState().commentExceptions(selected, text);
            if (done) setForm(null);
            return done;
          }}
          onCancel={() => setForm(null)}
        />
      ) : null}
    </div>
  );
}
