// Every kind of journal entry the ledger writes (DESIGN §4): one list, so a writer cannot invent a type a reader (the
// history views, verify, the audit pack) does not know.
export const JOURNAL_ENTRY_TYPES = [
  // Imports
  'import.batch',
  'import.row_rejected',
  'import.statement_unbalanced',
  // Engine runs and what they decide
  'reconcile.run',
  'exception.opened',
  'exception.auto_resolved',
  'exception.reclassified',
  'exception.escalated',
  'exception.resolved_by_new_data',
  'exception.ended',
  // A person's decisions
  'match.manual',
  'match.broken',
  'exception.resolved',
  'exception.commented',
  'exception.reopened',
  'exception.assigned',
  // Owners and SLA (DESIGN §7): owners and SLA given after opening (backfill, a domain that got an owner), an
  // escalation step along the matrix, a domain's owners or a code's playbook changed
  'exception.sla_assigned',
  'exception.sla_escalated',
  'owners.changed',
  'playbook.changed',
  // Configuration
  'rules.tolerances_changed',
  // Rule set versions and their states (DESIGN §8): one entry per transition, with actor and reason
  'rules.version_created',
  'rules.drafted',
  'rules.shadowed',
  'rules.canary_started',
  'rules.promoted',
  'rules.retired',
  'rules.rolled_back',
  'rules.window_overridden',
  'workspace.settings_changed',
  // Connectors (issue 14): a source connected, each sync's end, a class-B remediation call on an exception, a replay
  'connector.connected',
  'sync.completed',
  'sync.failed',
  'exception.remediation',
  'import.replayed',
  // Month-end close (src/main/close): a period signed off with its audit pack, and a period opened again
  'period.closed',
  'period.reopened',
] as const;

export type JournalEntryType = (typeof JOURNAL_ENTRY_TYPES)[number];
