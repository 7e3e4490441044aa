// The journal's story of a match or exception, oldest first: when (workspace time zone), who, what and why.
import type { HistoryEntry } from '../../../shared/api/contract.ts';
import { formatInstant } from '../format/formatters.ts';
import { useDisplayPrefs } from './useDisplayPrefs.ts';

export function HistoryList({ entries }: { entries: HistoryEntry[] }) {
  const prefs = useDisplayPrefs();
  if (entries.length === 0) return <p className="muted">No journal entries yet.</p>;
  const ordered = [...entries].sort((a, b) => a.seq - b.seq);
  return (
    <table className="simple history" aria-label="History">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">What</th>
        </tr>
      </thead>
      <tbody>
        {ordered.map((entry) => (
          <tr key={entry.seq}>
            <td>
              <time dateTime={entry.at}>{formatInstant(entry.at, prefs)}</time>
            </td>
            <td className="mono">{entry.actor}</td>
            <td>
              <div>{entry.summary}</div>
              {/* The one-line reading usually carries the reason already ("unmatched: wrong customer"): never twice. */}
              {entry.reason !== null && entry.reason.trim() !== '' && !entry.summary.includes(entry.reason.trim()) ? (
                <div className="muted">Reason: {entry.reason}</div>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
