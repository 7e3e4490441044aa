// The close checklist as the ledger computes it: each item with its status, what it found and the first items it names.
import type { ChecklistItem } from '../../../../shared/close/closeReport.ts';

const STATUS_WORDS: Record<ChecklistItem['status'], string> = { ok: 'OK', attention: 'Check', blocking: 'Blocks the close' };

export function ChecklistPanel({ items }: { items: ChecklistItem[] }) {
  return (
    <section className="panel close-checklist" aria-label="Checklist">
      <h2>Checklist</h2>
      <ul>
        {items.map((c) => (
          <li key={c.id} className={`check check-${c.status}`}>
            <span className={`badge status-${c.status}`}>{STATUS_WORDS[c.status]}</span>
            <div>
              <strong>{c.label}</strong>
              <div className={c.status === 'ok' ? 'muted' : ''}>{c.detail}</div>
              {c.items.length > 0 && (
                <details>
                  <summary>{c.count > c.items.length ? `The first ${c.items.length} of ${c.count}` : `${c.items.length} listed`}</summary>
                  <ul className="check-items">
                    {c.items.map((i) => (
                      <li key={i.key}>{i.text}</li>
                    ))}
                  </ul>
                </details>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
