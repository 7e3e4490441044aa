// What one side (the live results, a version, the edited rules) holds for an event: its matches, exceptions and
// awaiting rows, each with the engine's explanation and runner-ups.
import type { OutcomeItem } from '../../../../shared/api/contract.ts';
import { ExplanationView } from '../../components/ExplanationView.tsx';

export function OutcomeItems({ title, items, currency, empty }: { title: string; items: OutcomeItem[]; currency: string; empty: string }) {
  return (
    <section className="outcome-side" aria-label={title}>
      <h3>{title}</h3>
      {items.length === 0 ? <p className="muted">{empty}</p> : null}
      {items.map((item) => (
        <div key={`${item.type}:${item.id}`} className="outcome-item">
          <p>
            <strong>{item.label}</strong>
            {item.eventIds.length > 1 ? <span className="muted"> · {item.eventIds.length} events</span> : null}
          </p>
          {item.explanation === null ? (
            <p className="muted">Its counterpart’s feed has not delivered that far yet: nothing to explain until it has.</p>
          ) : (
            <ExplanationView explanation={item.explanation} currency={currency} />
          )}
        </div>
      ))}
    </section>
  );
}
