// Escalation notifications: every SLA escalation step the journal holds, read as a person sees it (a desktop
// notification in Electron, the in-app list in the browser host), newest first, marked when it is for "me".
import type { LedgerDb } from '../ledger/database.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { formatAmount } from '../../shared/money/amountText.ts';
import { personKey } from '../../shared/ownership/people.ts';

export interface EscalationNotification {
  seq: number;
  exceptionId: string;
  code: string;
  level: number;
  role: string;
  to: string | null;
  owner: string | null;
  /** When the step was taken (wall clock) and the clock time it was computed for. */
  at: string;
  asOf: string;
  title: string;
  body: string;
  /** The step hands the exception to "me" (workspace.json `me`), or "me" owns it. */
  forMe: boolean;
}

interface Row {
  seq: number;
  subject_id: string;
  created_at: string;
  payload: string;
  code: string | null;
  amount_minor: number | null;
  currency: string | null;
}

/** Escalation steps journaled after `afterSeq` (all when null), newest first, at most `limit`. */
export function escalationNotifications(
  db: LedgerDb,
  settings: WorkspaceSettings,
  options: { afterSeq?: number; limit: number },
): EscalationNotification[] {
  const rows = db
    .prepare(
      `SELECT j.seq, j.subject_id, j.created_at, j.payload, x.code, x.amount_minor, x.currency FROM journal j
       LEFT JOIN exceptions x ON x.exception_id = j.subject_id
       WHERE j.entry_type = 'exception.sla_escalated' AND j.seq > ? ORDER BY j.seq DESC LIMIT ?`,
    )
    .all(options.afterSeq ?? 0, options.limit) as Row[];
  const me = settings.me === undefined ? null : settings.me.email.toLowerCase();
  return rows.map((r) => {
    const p = JSON.parse(r.payload) as { level: number; role: string; to: string | null; owner: string | null; as_of: string; hours_open: number };
    const amount = r.amount_minor === null || r.currency === null ? '' : `${formatAmount(r.amount_minor, r.currency, { code: 'suffix' })}, `;
    const code = r.code ?? 'exception';
    return {
      seq: r.seq,
      exceptionId: r.subject_id,
      code,
      level: p.level,
      role: p.role,
      to: p.to,
      owner: p.owner,
      at: r.created_at,
      asOf: p.as_of,
      title: `${code} escalated to the ${p.role}`,
      body: `${amount}unresolved ${Math.floor(p.hours_open)} h; now with ${p.to ?? 'nobody (no contact configured)'}${p.owner === null ? '' : `, owner ${p.owner}`}`,
      forMe: me !== null && [p.to, p.owner].some((who) => who !== null && personKey(who) === me),
    };
  });
}

/** The journal's last seq: a check's new steps are those after it. */
export function journalHead(db: LedgerDb): number {
  return (db.prepare('SELECT coalesce(max(seq), 0) FROM journal').pluck().get() as number) ?? 0;
}
