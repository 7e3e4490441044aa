// The close checklist of a month, computed from the ledger: statements balanced, every feed delivered past the month's
// end (or explained), open class C exceptions of the month (closing refuses them unless carried forward), unresolved
// exceptions above the policy gate, and rule set versions still in shadow.
import type { LedgerDb } from '../ledger/database.ts';
import type { ChecklistItem } from '../../shared/close/closeReport.ts';
import { OPEN_STATES_SQL } from '../../shared/exceptions/states.ts';
import { minorToDecimalString } from '../../shared/money/amountText.ts';
import { readFeeds } from '../matching/engine/feedProgress.ts';
import { periodParams, type ClosePeriod } from './closePeriod.ts';
import { exceptionInPeriod } from '../review/businessTime.ts';
import { statementsInPeriod, type LedgerStatement } from './statements.ts';

/** Items listed per checklist entry; the count says how many there are. */
const LISTED = 50;

/**
 * An exception of the month: by its business time, its earliest event's, as the Exceptions screen shows the month
 * (src/main/review/businessTime.ts; ensureExceptionBusinessTimes fills it for rows the engine wrote since).
 */
export function exceptionInPeriodSql(p: ClosePeriod, x: string): string {
  return exceptionInPeriod(p.period, p.timeZone, x, 'p').sql;
}

export interface OpenException {
  exception_id: string;
  code: string;
  class: string;
  state: string;
  amount_minor: number;
  currency: string;
  policy_gated: number;
}

/** Open (not resolved) active exceptions of the month, by id. `where`: an extra condition on x. */
export function openExceptionsOfPeriod(db: LedgerDb, p: ClosePeriod, where: string): OpenException[] {
  return db
    .prepare(
      `SELECT x.exception_id, x.code, x.class, x.state, x.amount_minor, x.currency, x.policy_gated FROM exceptions x
       WHERE x.ended_at IS NULL AND x.state IN (${OPEN_STATES_SQL}) AND ${where} AND ${exceptionInPeriodSql(p, 'x')} ORDER BY x.exception_id`,
    )
    .all(periodParams(p)) as OpenException[];
}

function money(minor: number, currency: string): string {
  try {
    return `${minorToDecimalString(minor, currency)} ${currency}`;
  } catch {
    return `${minor} ${currency} (minor units)`;
  }
}

function totals(rows: OpenException[]): string {
  const by = new Map<string, number>();
  for (const r of rows) by.set(r.currency, (by.get(r.currency) ?? 0) + Math.abs(r.amount_minor));
  return [...by]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([c, v]) => money(v, c))
    .join(', ');
}

function exceptionItems(rows: OpenException[]): ChecklistItem['items'] {
  return rows
    .slice(0, LISTED)
    .map((r) => ({ key: r.exception_id, text: `${r.code} class ${r.class} ${r.state}, ${money(Math.abs(r.amount_minor), r.currency)} at stake` }));
}

function statementsItem(statements: LedgerStatement[], p: ClosePeriod): ChecklistItem {
  const inMonth = statementsInPeriod(statements, p.fromDate, p.toDate).filter((s) => s.source.startsWith('bank'));
  const unbalanced = inMonth.filter((s) => s.differenceMinor !== null && s.differenceMinor !== 0);
  const unchecked = inMonth.filter((s) => s.differenceMinor === null);
  const items = [...unbalanced, ...unchecked].slice(0, LISTED).map((s) => ({
    key: `${s.batchId}:${s.statementId}`,
    text:
      s.differenceMinor === null
        ? `${s.statementId} (${s.account}, ${s.fileName}): states no opening or closing balance to check`
        : `${s.statementId} (${s.account}, ${s.fileName}): off by ${money(s.differenceMinor, s.currency)} (imported anyway)`,
  }));
  const status = inMonth.length === 0 || unbalanced.length > 0 || unchecked.length > 0 ? 'attention' : 'ok';
  const detail =
    inMonth.length === 0
      ? 'no bank statement in the ledger covers the month'
      : unbalanced.length > 0
        ? `${unbalanced.length} of ${inMonth.length} statements do not balance (opening + entries ≠ closing)`
        : unchecked.length > 0
          ? `${inMonth.length - unchecked.length} statements balance; ${unchecked.length} state no balances to check`
          : `all ${inMonth.length} statements balance (opening + entries = closing)`;
  return { id: 'statements_balanced', label: 'Bank statements balanced', status, detail, items, count: unbalanced.length + unchecked.length };
}

/** Every source's watermark (latest business time delivered) must reach the month's end, or be explained at sign-off. */
function feedsItem(db: LedgerDb, p: ClosePeriod, notes: Record<string, string>): ChecklistItem {
  const end = Date.parse(p.toInstant) - 1000;
  const feeds = readFeeds(db).sources;
  const behind = feeds.filter((f) => f.watermark < end);
  const unexplained = behind.filter((f) => (notes[f.source] ?? '').trim() === '');
  const items = behind.slice(0, LISTED).map((f) => ({
    key: f.source,
    text: `${f.source}: delivered to ${Number.isFinite(f.watermark) ? new Date(f.watermark).toISOString() : 'nothing yet'}${notes[f.source] ? ` — explained: ${notes[f.source]}` : ''}`,
  }));
  return {
    id: 'feeds_delivered',
    label: "Every source delivered past the month's end",
    status: unexplained.length > 0 ? 'attention' : 'ok',
    detail:
      feeds.length === 0
        ? 'no source has delivered anything'
        : behind.length === 0
          ? `all ${feeds.length} sources delivered past ${p.toDate}`
          : `${behind.length} of ${feeds.length} sources have not delivered past ${p.toDate}${unexplained.length < behind.length ? ` (${behind.length - unexplained.length} explained)` : ''}`,
    items,
    count: unexplained.length,
  };
}

/** Rule set versions waiting in shadow (DESIGN §8), where this ledger keeps rule set states. */
function shadowItem(db: LedgerDb): ChecklistItem {
  const table = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('rule_set_states', 'rule_set_versions', 'rule_versions') ORDER BY name LIMIT 1",
    )
    .pluck()
    .get() as string | undefined;
  const hasState =
    table !== undefined && (db.prepare(`SELECT count(*) FROM pragma_table_info('${table}') WHERE name = 'state'`).pluck().get() as number) > 0;
  if (!hasState) {
    return {
      id: 'shadow_pending',
      label: 'No rule set version waiting in shadow',
      status: 'ok',
      detail: 'none: this ledger keeps no shadow versions',
      items: [],
      count: 0,
    };
  }
  const rows = db.prepare(`SELECT * FROM ${table} WHERE state IN ('shadow', 'canary')`).all() as Array<Record<string, unknown>>;
  return {
    id: 'shadow_pending',
    label: 'No rule set version waiting in shadow',
    status: rows.length > 0 ? 'attention' : 'ok',
    detail: rows.length > 0 ? `${rows.length} rule set versions in shadow or canary` : 'none',
    items: rows.slice(0, LISTED).map((r) => ({
      key: `${String(r.rule_set_id)} v${String(r.version)}`,
      text: `${String(r.rule_set_id)} v${String(r.version)}: ${String(r.state)}`,
    })),
    count: rows.length,
  };
}

export interface ChecklistResult {
  items: ChecklistItem[];
  classC: OpenException[];
}

export function closeChecklist(db: LedgerDb, p: ClosePeriod, statements: LedgerStatement[], notes: Record<string, string> = {}): ChecklistResult {
  const classC = openExceptionsOfPeriod(db, p, "x.class = 'C'");
  const gated = openExceptionsOfPeriod(db, p, 'x.policy_gated = 1');
  const items: ChecklistItem[] = [
    statementsItem(statements, p),
    feedsItem(db, p, notes),
    {
      id: 'class_c_open',
      label: 'No open class C exception of the month',
      status: classC.length > 0 ? 'blocking' : 'ok',
      detail:
        classC.length > 0
          ? `${classC.length} open, ${totals(classC)} at stake: resolve them, or carry them forward explicitly at sign-off`
          : 'none open',
      items: exceptionItems(classC),
      count: classC.length,
    },
    {
      id: 'high_value_open',
      label: 'No unresolved exception above the policy gate',
      status: gated.length > 0 ? 'attention' : 'ok',
      detail: gated.length > 0 ? `${gated.length} above the policy gate need a person's sign-off (${totals(gated)})` : 'none',
      items: exceptionItems(gated),
      count: gated.length,
    },
    shadowItem(db),
  ];
  return { items, classC };
}
