// The tables of an audit pack, each read from the ledger as rows when written (never held whole): the month's matches
// and exceptions (every active one with an event whose business date is in the month), the exceptions' history, the
// journal segment, the rule versions, the rollforward, sign-offs, adjustments and carried-forward items.
import type { LedgerDb } from '../../ledger/database.ts';
import { utcInstantToLocalDate } from '../../../shared/time/dateText.ts';
import { MATCHABLE_KINDS } from '../../matching/status.ts';
import { beforePeriodSql, currentRevisionSql, inPeriodSql, periodParams, type ClosePeriod } from '../closePeriod.ts';
import { exceptionInPeriodSql, type OpenException } from '../checklist.ts';
import type { PackColumn, PackTable } from './tableFiles.ts';
import type { PackSpec } from './packSpec.ts';

const text = (name: string, width = 16): PackColumn => ({ name, type: 'text', width });
const num = (name: string, width = 14): PackColumn => ({ name, type: 'number', width });

/** A business date per instant, cached per 15-minute slice (every zone's offset is a multiple of 15 minutes). */
export class BusinessDates {
  private readonly zone: string;
  private readonly cache = new Map<number, string>();
  constructor(zone: string) {
    this.zone = zone;
  }
  of(kind: string, occurredAt: string, localDate: string | null): string {
    if (localDate !== null && (kind === 'bank_credit' || kind === 'bank_debit')) return localDate;
    const slice = Math.floor(Date.parse(occurredAt) / 900_000);
    let d = this.cache.get(slice);
    if (d === undefined) {
      d = utcInstantToLocalDate(new Date(slice * 900_000).toISOString(), this.zone);
      this.cache.set(slice, d);
    }
    return d;
  }
}

/** Figures gathered while the tables are written: what the summary, the PDF's charts and the manifest report. */
export interface PackFigures {
  matches: number;
  matchRows: number;
  matchesByLink: Map<string, number>;
  exceptions: number;
  exceptionsByCode: Map<string, { open: number; resolved: number; atStake: Map<string, number> }>;
  /** Open exceptions by age at the month's end (days since their earliest event's business time). */
  aging: Map<string, number>;
  ruleVersions: Set<string>;
  journalEntries: number;
  journalFirst: { seq: number; hash: string; prevHash: string } | null;
  journalLast: { seq: number; hash: string } | null;
}

export function newFigures(): PackFigures {
  return {
    matches: 0,
    matchRows: 0,
    matchesByLink: new Map(),
    exceptions: 0,
    exceptionsByCode: new Map(),
    aging: new Map(),
    ruleVersions: new Set(),
    journalEntries: 0,
    journalFirst: null,
    journalLast: null,
  };
}

export const AGE_BUCKETS: Array<[string, number]> = [
  ['0-7 days', 7],
  ['8-14 days', 14],
  ['15-30 days', 30],
  ['31-60 days', 60],
  ['over 60 days', Infinity],
];

function ageBucket(days: number): string {
  return (AGE_BUCKETS.find(([, max]) => days <= max) ?? (AGE_BUCKETS[AGE_BUCKETS.length - 1] as [string, number]))[0];
}

/** Temp tables of the month's match and exception seqs in id order (the connection is read-only; temp tables are its own). */
export function selectPeriodRows(db: LedgerDb, p: ClosePeriod): void {
  db.exec('DROP TABLE IF EXISTS temp.pack_m; DROP TABLE IF EXISTS temp.pack_x');
  // A match is the month's by its left side's earliest event, as the Matches screen shows the month (review/matchesQuery.ts).
  db.prepare(
    `CREATE TEMP TABLE pack_m AS SELECT DISTINCT m.seq AS seq, m.match_id AS match_id FROM events e
     JOIN match_members mm ON mm.event_seq = e.seq AND mm.side = 'left' JOIN matches m ON m.seq = mm.match_seq AND m.ended_at IS NULL
     WHERE ${inPeriodSql(p, 'e')} AND NOT EXISTS (SELECT 1 FROM match_members l JOIN events le ON le.seq = l.event_seq
       WHERE l.match_seq = m.seq AND l.side = 'left' AND ${beforePeriodSql('le')})
     ORDER BY m.match_id`,
  ).run(periodParams(p));
  db.prepare(
    `CREATE TEMP TABLE pack_x AS SELECT x.seq AS seq, x.exception_id AS exception_id FROM exceptions x
     WHERE x.ended_at IS NULL AND ${exceptionInPeriodSql(p, 'x')} ORDER BY x.exception_id`,
  ).run(periodParams(p));
}

const MATCH_COLUMNS: PackColumn[] = [
  text('match_id', 38),
  text('status', 12),
  text('rule_id', 28),
  num('rule_version', 8),
  // The CLI export's columns first (tieout export --what matches), then what an auditor needs beside them.
  text('event_id', 38),
  text('event_source', 18),
  text('event_kind', 12),
  text('event_external_id', 28),
  num('event_amount_minor'),
  text('event_currency', 8),
  text('link', 14),
  text('side', 6),
  text('event_business_date', 12),
  text('event_occurred_at', 24),
  text('origin', 8),
  text('rule_set_id', 12),
  num('score', 8),
  text('created_at', 24),
  text('created_by', 18),
];

function matchesTable(db: LedgerDb, spec: PackSpec, f: PackFigures, dates: BusinessDates): PackTable {
  return {
    name: 'matches',
    sheet: 'Matches',
    columns: MATCH_COLUMNS,
    *rows() {
      const rows = db
        .prepare(
          `SELECT m.match_id, m.status, m.rule_id, m.rule_version, e.event_id, e.source, e.kind, e.external_id, e.amount_minor, e.currency,
             m.link, mm.side, e.occurred_at, e.local_date, m.origin, m.rule_set_id, m.score, m.created_at, m.created_by
           FROM pack_m p CROSS JOIN matches m ON m.seq = p.seq CROSS JOIN match_members mm ON mm.match_seq = m.seq CROSS JOIN events e ON e.seq = mm.event_seq
           ORDER BY p.rowid, mm.side, e.seq`,
        )
        .raw()
        .iterate() as Iterable<unknown[]>;
      let last = '';
      for (const r of rows) {
        if (r[0] !== last) {
          last = r[0] as string;
          f.matches++;
          f.matchesByLink.set(r[10] as string, (f.matchesByLink.get(r[10] as string) ?? 0) + 1);
          if (r[15] !== null) f.ruleVersions.add(`${String(r[15])}\u001f${String(r[3])}`);
        }
        f.matchRows++;
        const bd = dates.of(r[6] as string, r[12] as string, r[13] as string | null);
        yield [r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], bd, r[12], r[14], r[15], r[16], r[17], r[18]];
      }
      void spec;
    },
  };
}

const EXCEPTION_COLUMNS: PackColumn[] = [
  text('exception_id', 38),
  text('code', 20),
  text('class', 6),
  text('state', 14),
  num('amount_minor'),
  text('currency', 8),
  text('event_id', 38),
  text('event_source', 18),
  text('event_kind', 12),
  text('event_external_id', 28),
  num('event_amount_minor'),
  text('event_currency', 8),
  text('created_at', 24),
  text('resolved_at', 24),
  text('owner', 14),
  text('backup', 14),
  text('sla_due_at', 24),
  text('sla_tier', 10),
  num('escalation_level', 8),
  // The CLI export's columns above (tieout export --what exceptions), what an auditor needs beside them below.
  text('event_business_date', 12),
  text('default_class', 8),
  num('policy_gated', 8),
  text('resolved_by', 18),
  text('resolution', 30),
  text('due_at', 24),
  text('rule_id', 28),
  text('rule_set_id', 12),
  num('rule_version', 8),
];

function exceptionsTable(db: LedgerDb, spec: PackSpec, f: PackFigures, dates: BusinessDates, p: ClosePeriod): PackTable {
  const endMs = Date.parse(p.toInstant);
  return {
    name: 'exceptions',
    sheet: 'Exceptions',
    columns: EXCEPTION_COLUMNS,
    *rows() {
      const rows = db
        .prepare(
          `SELECT x.exception_id, x.code, x.class, x.state, x.amount_minor, x.currency, e.event_id, e.source, e.kind, e.external_id, e.amount_minor, e.currency,
             x.created_at, x.resolved_at, e.occurred_at, e.local_date, x.owner, x.backup, x.sla_due_at, x.sla_tier, x.escalation_level,
             x.default_class, x.policy_gated, x.resolved_by, x.resolution, x.due_at, x.rule_id, x.rule_set_id, x.rule_version
           FROM pack_x p CROSS JOIN exceptions x ON x.seq = p.seq LEFT JOIN exception_members xm ON xm.exception_seq = x.seq LEFT JOIN events e ON e.seq = xm.event_seq
           ORDER BY p.rowid, e.seq`,
        )
        .raw()
        .iterate() as Iterable<unknown[]>;
      let last = '';
      let earliest = Infinity;
      let open = false;
      const closeAging = (): void => {
        if (last !== '' && open && Number.isFinite(earliest)) {
          const b = ageBucket(Math.max(0, Math.floor((endMs - earliest) / 86_400_000)));
          f.aging.set(b, (f.aging.get(b) ?? 0) + 1);
        }
      };
      for (const r of rows) {
        if (r[0] !== last) {
          closeAging();
          last = r[0] as string;
          earliest = Infinity;
          open = r[3] !== 'resolved';
          f.exceptions++;
          const code = r[1] as string;
          const c = f.exceptionsByCode.get(code) ?? { open: 0, resolved: 0, atStake: new Map<string, number>() };
          if (open) {
            c.open++;
            c.atStake.set(r[5] as string, (c.atStake.get(r[5] as string) ?? 0) + Math.abs(r[4] as number));
          } else c.resolved++;
          f.exceptionsByCode.set(code, c);
          if (r[27] !== null) f.ruleVersions.add(`${String(r[27])}\u001f${String(r[28])}`);
        }
        const at = r[14] as string | null;
        if (at !== null) earliest = Math.min(earliest, Date.parse(at));
        const bd = at === null ? null : dates.of(r[8] as string, at, r[15] as string | null);
        yield [...r.slice(0, 14), ...r.slice(16, 21), bd, ...r.slice(21)];
      }
      closeAging();
      void spec;
    },
  };
}

const HISTORY_COLUMNS: PackColumn[] = [
  text('exception_id', 38),
  num('journal_seq', 10),
  text('at', 24),
  text('entry_type', 26),
  text('actor', 18),
  text('reason', 40),
  text('payload', 60),
];

function exceptionHistoryTable(db: LedgerDb): PackTable {
  return {
    name: 'exception_history',
    sheet: 'Exception history',
    columns: HISTORY_COLUMNS,
    *rows() {
      const history = db.prepare('SELECT seq, created_at, entry_type, actor, reason, payload FROM journal WHERE subject_id = ? ORDER BY seq').raw();
      for (const [, id] of db.prepare('SELECT seq, exception_id FROM pack_x ORDER BY rowid').raw().iterate() as Iterable<[number, string]>) {
        for (const h of history.all(id) as unknown[][]) yield [id, ...h];
      }
    },
  };
}

const JOURNAL_COLUMNS: PackColumn[] = [
  num('seq', 10),
  text('created_at', 24),
  text('entry_type', 26),
  text('actor', 18),
  text('reason', 40),
  text('subject_id', 38),
  text('payload', 60),
  text('prev_hash', 66),
  text('hash', 66),
];

export function journalRows(db: LedgerDb, spec: PackSpec): Iterable<unknown[]> {
  return db
    .prepare(
      'SELECT seq, created_at, entry_type, actor, reason, subject_id, payload, prev_hash, hash FROM journal WHERE seq >= ? AND seq <= ? ORDER BY seq',
    )
    .raw()
    .iterate(spec.segment.fromSeq, spec.segment.toSeq) as Iterable<unknown[]>;
}

function journalTable(db: LedgerDb, spec: PackSpec): PackTable {
  return { name: 'journal', sheet: 'Journal', columns: JOURNAL_COLUMNS, rows: () => journalRows(db, spec) };
}

function rowsTable(name: string, sheet: string, columns: PackColumn[], rows: () => Iterable<readonly unknown[]>): PackTable {
  return { name, sheet, columns, rows };
}

function rollforwardTable(spec: PackSpec): PackTable {
  const columns: PackColumn[] = [
    text('type', 10),
    text('account', 34),
    text('currency', 8),
    num('opening'),
    num('sales_or_credits'),
    num('fees'),
    num('refunds'),
    num('disputes'),
    num('adjustments'),
    num('prior_period_items'),
    num('payouts_or_debits'),
    num('closing'),
    num('own_closing'),
    num('difference'),
    num('in_transit_count', 10),
    num('in_transit_amount'),
    num('carried_forward'),
    num('carry_forward_reversed'),
    num('events', 10),
    text('opening_basis', 40),
    text('own_closing_basis', 40),
  ];
  return rowsTable('rollforward', 'Rollforward', columns, function* () {
    for (const r of spec.report.rollforward.processors) {
      yield [
        'processor',
        r.source,
        r.currency,
        r.opening,
        r.sales,
        r.fees,
        r.refunds,
        r.disputes,
        r.adjustments,
        r.priorPeriodItems,
        r.payouts,
        r.closing,
        r.processorClosing,
        r.difference,
        r.inTransit.count,
        r.inTransit.amount,
        r.carriedForward,
        r.carryForwardReversed,
        r.events,
        r.openingBasis,
        r.processorBasis,
      ];
    }
    for (const b of spec.report.rollforward.banks) {
      yield [
        'bank',
        `${b.source}${b.account === '' ? '' : ` ${b.account}`}`,
        b.currency,
        b.opening,
        b.credits,
        null,
        null,
        null,
        null,
        b.priorPeriodItems,
        b.debits,
        b.closing,
        b.bankClosing,
        b.difference,
        null,
        null,
        null,
        null,
        b.events,
        b.openingBasis,
        b.bankClosingDate === null ? null : `statement closing ${b.bankClosingDate}`,
      ];
    }
  });
}

function inTransitTable(spec: PackSpec): PackTable {
  return rowsTable(
    'in_transit',
    'In transit',
    [text('source', 18), text('currency', 8), text('payout', 30), num('amount'), text('paid_on', 12), text('banked_on', 12)],
    function* () {
      for (const t of spec.report.rollforward.inTransit) yield [t.source, t.currency, t.payout, t.amount, t.paidOn, t.bankedOn];
    },
  );
}

function straddlingTable(spec: PackSpec): PackTable {
  const cols = [
    text('source', 18),
    text('currency', 8),
    text('payout', 30),
    text('paid_on', 12),
    text('direction', 16),
    num('amount'),
    num('items', 10),
  ];
  return rowsTable('straddling', 'Straddling settlements', cols, function* () {
    for (const s of spec.report.rollforward.straddling) yield [s.source, s.currency, s.payout, s.paidOn, s.direction, s.amount, s.items];
  });
}

function signOffTable(spec: PackSpec): PackTable {
  const cols = [
    text('action', 10),
    text('by', 20),
    text('reason', 50),
    text('at', 24),
    num('journal_seq', 10),
    text('pack_sha256', 66),
    num('accepted_open', 10),
  ];
  return rowsTable('signoffs', 'Sign-offs', cols, function* () {
    for (const s of spec.signOffs) yield [s.action, s.by, s.reason, s.at, s.journalSeq, s.packSha256, s.acceptedOpen];
  });
}

function adjustmentsTable(db: LedgerDb, spec: PackSpec): PackTable {
  const cols = [
    num('seq', 8),
    text('affects', 10),
    text('object_kind', 10),
    text('object_id', 38),
    text('change', 16),
    text('run_id', 36),
    text('actor', 18),
    text('at', 24),
  ];
  return rowsTable(
    'adjustments',
    'Adjustments',
    cols,
    () =>
      db
        .prepare(
          'SELECT seq, affects, object_kind, object_id, change, run_id, actor, at FROM adjustments WHERE recorded_in = ? AND seq <= ? ORDER BY seq',
        )
        .raw()
        .iterate(spec.month, spec.adjustmentsThrough) as Iterable<unknown[]>,
  );
}

function carriedForwardTable(spec: PackSpec): PackTable {
  const cols = [
    text('exception_id', 38),
    text('code', 20),
    text('class', 6),
    text('state', 14),
    num('amount_minor'),
    text('currency', 8),
    num('policy_gated', 8),
  ];
  return rowsTable('carried_forward', 'Carried forward', cols, function* () {
    for (const x of spec.carriedForward as OpenException[])
      yield [x.exception_id, x.code, x.class, x.state, x.amount_minor, x.currency, x.policy_gated];
  });
}

function rulesTable(db: LedgerDb, f: PackFigures): PackTable {
  const cols = [
    text('rule_set_id', 12),
    num('version', 8),
    text('name', 24),
    text('sha256', 66),
    text('created_at', 24),
    text('created_by', 18),
    text('rule_id', 30),
    num('priority', 8),
    text('link', 14),
    text('strategy', 16),
    text('rule', 80),
  ];
  return rowsTable('rules', 'Rules', cols, function* () {
    for (const v of ruleVersionsOf(db, f)) {
      for (const rule of v.rules)
        yield [
          v.rule_set_id,
          v.version,
          v.name,
          v.sha256,
          v.created_at,
          v.created_by,
          rule.id,
          rule.priority,
          rule.link,
          rule.strategy,
          JSON.stringify(rule),
        ];
    }
  });
}

export interface StoredRuleVersion {
  rule_set_id: string;
  version: number;
  name: string;
  sha256: string;
  created_at: string;
  created_by: string;
  definition: unknown;
  rules: Array<{ id: string; priority: number; link: string; strategy: string }>;
}

/** The rule set versions the month's matches and exceptions were made by, and the one in force, as stored. */
export function ruleVersionsOf(db: LedgerDb, f: PackFigures): StoredRuleVersion[] {
  const inForce = db.prepare('SELECT rule_set_id, rule_version FROM recon_runs ORDER BY finished_at DESC, run_id DESC LIMIT 1').get() as
    { rule_set_id: string; rule_version: number } | undefined;
  const keys = new Set(f.ruleVersions);
  if (inForce !== undefined) keys.add(`${inForce.rule_set_id}\u001f${inForce.rule_version}`);
  const get = db.prepare(
    'SELECT rule_set_id, version, name, definition, sha256, created_at, created_by FROM rule_sets WHERE rule_set_id = ? AND version = ?',
  );
  const out: StoredRuleVersion[] = [];
  for (const key of [...keys].sort()) {
    const [id, v] = key.split('\u001f') as [string, string];
    const row = get.get(id, Number(v)) as
      { rule_set_id: string; version: number; name: string; definition: string; sha256: string; created_at: string; created_by: string } | undefined;
    if (row === undefined) continue;
    const definition = JSON.parse(row.definition) as { rules?: StoredRuleVersion['rules'] };
    out.push({ ...row, definition, rules: definition.rules ?? [] });
  }
  return out;
}

/** Matchable events of the month by business day: how many, and how many no active match holds (the PDF's unmatched-rate chart). */
export function unmatchedByDay(db: LedgerDb, p: ClosePeriod, dates: BusinessDates): Array<{ day: string; events: number; unmatched: number }> {
  const kinds = MATCHABLE_KINDS.map((k) => `'${k}'`).join(', ');
  const rows = db
    .prepare(
      `SELECT e.kind, e.occurred_at, e.local_date, EXISTS (SELECT 1 FROM match_members mm JOIN matches m ON m.seq = mm.match_seq AND m.ended_at IS NULL WHERE mm.event_seq = e.seq) AS matched
       FROM events e WHERE ${inPeriodSql(p, 'e')} AND e.kind IN (${kinds}) AND ${currentRevisionSql('e')}`,
    )
    .raw()
    .iterate(periodParams(p)) as Iterable<[string, string, string | null, number]>;
  const byDay = new Map<string, { events: number; unmatched: number }>();
  for (const [kind, at, local, matched] of rows) {
    const day = dates.of(kind, at, local);
    const d = byDay.get(day) ?? { events: 0, unmatched: 0 };
    d.events++;
    if (matched === 0) d.unmatched++;
    byDay.set(day, d);
  }
  return [...byDay].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, d]) => ({ day, ...d }));
}

/** Every table of the pack, in the workbook's sheet order (Summary comes first; packBuilder adds it last, when the figures are in). */
export function packTables(db: LedgerDb, spec: PackSpec, p: ClosePeriod, f: PackFigures, dates: BusinessDates): PackTable[] {
  return [
    rollforwardTable(spec),
    inTransitTable(spec),
    straddlingTable(spec),
    matchesTable(db, spec, f, dates),
    exceptionsTable(db, spec, f, dates, p),
    exceptionHistoryTable(db),
    journalTable(db, spec),
    rulesTable(db, f),
    signOffTable(spec),
    adjustmentsTable(db, spec),
    carriedForwardTable(spec),
  ];
}
