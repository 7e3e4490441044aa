// `tieout export --what exceptions`: exceptions with their events, filtered and streamed as the stable JSON/CSV contract.
import type { LedgerDb } from '../ledger/database.ts';
import type { ExportFormat } from './eventsExport.ts';
import { EXCEPTION_CLASSES, EXCEPTION_CODES } from '../../shared/rules/ruleSet.ts';
import { writeCsv, writeJsonArray, type Column, type FdWriter } from './tableWriter.ts';
import { groupJoinedEvents, joinedEventColumns, JOINED_EVENT_SQL, type ExportedEvent, type JoinedEventColumns } from './matchesExport.ts';
import { UserError } from '../../shared/errors/userError.ts';
import { EXCEPTION_STATES, OPEN_STATES_SQL } from '../../shared/exceptions/states.ts';

export { EXCEPTION_STATES } from '../../shared/exceptions/states.ts';
/** States that still wait for someone or for data. */

export interface ExportedException {
  exception_id: string;
  code: string;
  class: string;
  state: string;
  amount_minor: number;
  currency: string;
  events: ExportedEvent[];
  created_at: string;
  resolved_at: string | null;
  /** Owners and SLA (DESIGN §7, migration 11): "NAME <EMAIL>" or null, the tier and due time, the escalation step. */
  owner: string | null;
  backup: string | null;
  sla_due_at: string | null;
  sla_tier: string | null;
  escalation_level: number;
}

export interface ExceptionFilter {
  code?: string;
  class?: string;
  state?: string;
  /** Only states open, in_remediation, assigned, reopened. */
  openOnly?: boolean;
  /** Also exceptions that stopped holding (ended_at set: superseded by a later run or a manual match). */
  includeEnded?: boolean;
}

export class ExportFilterError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

function checkFilter(f: ExceptionFilter): void {
  const check = (what: string, value: string | undefined, allowed: readonly string[]): void => {
    if (value !== undefined && !allowed.includes(value)) {
      throw new ExportFilterError(`unknown exception ${what} "${value}"; expected one of ${allowed.join(', ')}`);
    }
  };
  check('code', f.code, EXCEPTION_CODES);
  check('class', f.class, EXCEPTION_CLASSES);
  check('state', f.state, EXCEPTION_STATES);
}

interface ExceptionRow extends JoinedEventColumns {
  exception_id: string;
  code: string;
  class: string;
  state: string;
  amount_minor: number;
  currency: string;
  created_at: string;
  resolved_at: string | null;
  owner: string | null;
  backup: string | null;
  sla_due_at: string | null;
  sla_tier: string | null;
  escalation_level: number;
}

function exceptionRows(db: LedgerDb, f: ExceptionFilter): Iterable<ExceptionRow> {
  checkFilter(f);
  const where: string[] = [];
  if (f.includeEnded !== true) where.push('x.ended_at IS NULL');
  if (f.code !== undefined) where.push('x.code = @code');
  if (f.class !== undefined) where.push('x.class = @class');
  if (f.state !== undefined) where.push('x.state = @state');
  if (f.openOnly === true) where.push(`x.state IN (${OPEN_STATES_SQL})`);
  const params = { code: f.code, class: f.class, state: f.state };
  return db
    .prepare(
      `SELECT x.exception_id, x.code, x.class, x.state, x.amount_minor, x.currency, x.created_at, x.resolved_at, x.owner, x.backup, x.sla_due_at,
         x.sla_tier, x.escalation_level, ${JOINED_EVENT_SQL}
       FROM exceptions x
       LEFT JOIN exception_members xm ON xm.exception_seq = x.seq
       LEFT JOIN events e ON e.seq = xm.event_seq
       ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
       ORDER BY x.exception_id, e.seq`,
    )
    .iterate(Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined))) as Iterable<ExceptionRow>;
}

/** Exceptions matching the filter, ordered by exception_id, each with its events (possibly none). */
export function iterateExceptions(db: LedgerDb, filter: ExceptionFilter = {}): Generator<ExportedException> {
  return groupJoinedEvents(
    exceptionRows(db, filter),
    (r) => r.exception_id,
    (r) => ({
      exception_id: r.exception_id,
      code: r.code,
      class: r.class,
      state: r.state,
      amount_minor: r.amount_minor,
      currency: r.currency,
      created_at: r.created_at,
      resolved_at: r.resolved_at,
      owner: r.owner,
      backup: r.backup,
      sla_due_at: r.sla_due_at,
      sla_tier: r.sla_tier,
      escalation_level: r.escalation_level,
    }),
  );
}

const HEAD_CSV: Column<ExceptionRow>[] = [
  { name: 'exception_id', type: 'text', value: (r) => r.exception_id },
  { name: 'code', type: 'text', value: (r) => r.code },
  { name: 'class', type: 'text', value: (r) => r.class },
  { name: 'state', type: 'text', value: (r) => r.state },
  { name: 'amount_minor', type: 'number', value: (r) => r.amount_minor },
  { name: 'currency', type: 'text', value: (r) => r.currency },
];
const TAIL_CSV: Column<ExceptionRow>[] = [
  { name: 'created_at', type: 'text', value: (r) => r.created_at },
  { name: 'resolved_at', type: 'text', value: (r) => r.resolved_at },
  { name: 'owner', type: 'text', value: (r) => r.owner },
  { name: 'backup', type: 'text', value: (r) => r.backup },
  { name: 'sla_due_at', type: 'text', value: (r) => r.sla_due_at },
  { name: 'sla_tier', type: 'text', value: (r) => r.sla_tier },
  { name: 'escalation_level', type: 'number', value: (r) => r.escalation_level },
];

// Contract key order: the events array sits between currency and created_at; owners and SLA come last.
const JSON_FIELDS = [
  'exception_id',
  'code',
  'class',
  'state',
  'amount_minor',
  'currency',
  'events',
  'created_at',
  'resolved_at',
  'owner',
  'backup',
  'sla_due_at',
  'sla_tier',
  'escalation_level',
] as const;
const EXCEPTION_JSON: Column<ExportedException>[] = JSON_FIELDS.map((name) => ({ name, type: 'json', value: (x: ExportedException) => x[name] }));

/** Streams exceptions; returns the JSON objects written, or the CSV rows (one per exception and event). */
export function exportExceptions(db: LedgerDb, format: ExportFormat, out: FdWriter, filter: ExceptionFilter = {}): number {
  if (format === 'csv') return writeCsv(out, [...HEAD_CSV, ...joinedEventColumns<ExceptionRow>(), ...TAIL_CSV], exceptionRows(db, filter));
  return writeJsonArray(out, EXCEPTION_JSON, iterateExceptions(db, filter));
}
