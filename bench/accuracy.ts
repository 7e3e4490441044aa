// Scores a reconciled ledger against the synthetic month's truth.jsonl: expected matches found / missed, false matches,
// and each injected anomaly reported with the right code, another code, or not at all.
//
// How the two sides are compared:
// - Ids: truth names events by external id (Shopify `Id`, Stripe balance transaction id, bank reference). Bank events'
//   external_id in the ledger is `<account>:<bankReference>`, so `<bankAccount>:` is stripped before comparing.
// - Matches are compared as unordered (event, event) pairs per link. Truth writes one pair per expected link
//   (payment_payout: one pair per balance item and its payout); an engine match holding L left and R right events
//   stands for its L×R pairs (a payout_items match: the payout × each item). Truth strategy → engine link:
//   order_payment → order_payment, payment_payout → payout_items, refund_payment → refund_payment,
//   order_refund → order_refund, dispute_payment → dispute_payment, payout_bank → bank_payout.
// - An expected pair is found when some active match of that link holds both events; otherwise it is missed.
// - An active match (engine or manual) is FALSE when any of its pairs is not an expected pair of its link.
// - An injected anomaly (a truth exception record) is found with its code when an active exception with that code
//   shares at least one event with the record; else found with another code when other active exceptions touch its
//   events (their codes are listed); else not found. Active = not ended (class-A auto-resolved ones count).
// - Active exceptions that no truth record of their code claims are listed as unexpected, per code.
// Memory: the engine side (active matches as pairs, active exceptions by event) is held; truth is streamed line by line.
import { closeSync, openSync, readSync } from 'node:fs';
import type { LedgerDb } from '../src/main/ledger/database.ts';

export const TRUTH_TO_LINK: Readonly<Record<string, string>> = {
  order_payment: 'order_payment',
  payment_payout: 'payout_items',
  refund_payment: 'refund_payment',
  order_refund: 'order_refund',
  dispute_payment: 'dispute_payment',
  payout_bank: 'bank_payout',
};

type TruthLine =
  | { type: 'match'; strategy: string; keys: { left: string[]; right: string[] }; autoResolved?: string }
  | { type: 'exception'; code: string; externalIds: string[]; note: string };

export interface LinkScore {
  expected: number;
  found: number;
  missed: number;
  /** Expected pairs that truth marks auto-resolved (ROUNDING_DIFF, TIMING_DIFF) and the holding match has status auto_resolved. */
  autoResolvedExpected: number;
  autoResolvedFound: number;
}

export interface MissedExample {
  strategy: string;
  ids: [string, string];
}

export interface FalseMatchExample {
  matchId: string;
  link: string;
  status: string;
  ruleId: string | null;
  left: string[];
  right: string[];
  /** Why: the first pair of the match that truth does not expect. */
  unexpectedPair: [string, string];
}

export interface CodeScore {
  injected: number;
  foundWithCode: number;
  /** Found only under other codes: code → records. */
  otherCode: Record<string, number>;
  foundOtherCode: number;
  notFound: number;
  examplesNotFound: string[][];
  examplesOtherCode: Array<{ ids: string[]; codes: string[] }>;
}

export interface AccuracyReport {
  matches: {
    byStrategy: Record<string, LinkScore>;
    expected: number;
    found: number;
    missed: number;
    missedExamples: MissedExample[];
  };
  activeMatches: number;
  falseMatches: number;
  falseByLink: Record<string, number>;
  falseExamples: FalseMatchExample[];
  byCode: Record<string, CodeScore>;
  /** Active exceptions that no truth record of the same code shares an event with: code → count. */
  unexpectedExceptions: Record<string, number>;
  unexpectedExamples: Array<{ exceptionId: string; code: string; ids: string[] }>;
  activeExceptions: number;
}

const EXAMPLES = 5;

/** Yields the lines of a file, read in 1 MiB chunks (never the whole file in memory). */
export function* readLines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(1 << 20);
  let rest = '';
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const text = rest + buf.toString('utf8', 0, n);
      const lines = text.split('\n');
      rest = lines.pop() as string;
      yield* lines;
    }
    if (rest !== '') yield rest;
  } finally {
    closeSync(fd);
  }
}

const pairKey = (link: string, a: string, b: string): string => (a < b ? `${link}\u001f${a}\u001f${b}` : `${link}\u001f${b}\u001f${a}`);

interface ActiveMatch {
  matchId: string;
  link: string;
  status: string;
  ruleId: string | null;
  left: string[];
  right: string[];
  unconfirmed: number;
  firstUnconfirmed: [string, string] | null;
}

interface ActiveException {
  exceptionId: string;
  code: string;
  ids: string[];
  claimed: boolean;
}

/** The ledger's external id as truth writes it: bank references without the `<account>:` prefix. */
function truthId(externalId: string, bankPrefix: string): string {
  return externalId.startsWith(bankPrefix) ? externalId.slice(bankPrefix.length) : externalId;
}

function loadActiveMatches(
  db: LedgerDb,
  bankPrefix: string,
): { matches: ActiveMatch[]; pairs: Map<string, { match: ActiveMatch; status: string; confirmed: boolean }> } {
  const rows = db
    .prepare(
      `SELECT m.match_id, m.link, m.status, m.rule_id, mm.side, e.external_id
       FROM matches m CROSS JOIN match_members mm ON mm.match_seq = m.seq CROSS JOIN events e ON e.seq = mm.event_seq
       WHERE m.ended_at IS NULL ORDER BY m.seq, mm.side, e.seq`,
    )
    .iterate() as Iterable<{ match_id: string; link: string; status: string; rule_id: string | null; side: 'left' | 'right'; external_id: string }>;
  const matches: ActiveMatch[] = [];
  let cur: ActiveMatch | null = null;
  for (const r of rows) {
    if (cur === null || cur.matchId !== r.match_id) {
      cur = { matchId: r.match_id, link: r.link, status: r.status, ruleId: r.rule_id, left: [], right: [], unconfirmed: 0, firstUnconfirmed: null };
      matches.push(cur);
    }
    cur[r.side].push(truthId(r.external_id, bankPrefix));
  }
  const pairs = new Map<string, { match: ActiveMatch; status: string; confirmed: boolean }>();
  for (const m of matches) {
    for (const l of m.left) {
      for (const r of m.right) {
        const k = pairKey(m.link, l, r);
        // Two active matches of one link sharing a pair cannot both hold (an event is in one match per link); keep the first.
        if (!pairs.has(k)) pairs.set(k, { match: m, status: m.status, confirmed: false });
        m.unconfirmed++;
      }
    }
  }
  return { matches, pairs };
}

function loadActiveExceptions(db: LedgerDb, bankPrefix: string): { list: ActiveException[]; byId: Map<string, ActiveException[]> } {
  const rows = db
    .prepare(
      `SELECT x.exception_id, x.code, e.external_id FROM exceptions x
       LEFT JOIN exception_members xm ON xm.exception_seq = x.seq LEFT JOIN events e ON e.seq = xm.event_seq
       WHERE x.ended_at IS NULL ORDER BY x.seq, e.seq`,
    )
    .iterate() as Iterable<{ exception_id: string; code: string; external_id: string | null }>;
  const list: ActiveException[] = [];
  const byId = new Map<string, ActiveException[]>();
  let cur: ActiveException | null = null;
  for (const r of rows) {
    if (cur === null || cur.exceptionId !== r.exception_id) {
      cur = { exceptionId: r.exception_id, code: r.code, ids: [], claimed: false };
      list.push(cur);
    }
    if (r.external_id === null) continue;
    const id = truthId(r.external_id, bankPrefix);
    cur.ids.push(id);
    const at = byId.get(id);
    if (at === undefined) byId.set(id, [cur]);
    else at.push(cur);
  }
  return { list, byId };
}

function emptyCode(): CodeScore {
  return { injected: 0, foundWithCode: 0, otherCode: {}, foundOtherCode: 0, notFound: 0, examplesNotFound: [], examplesOtherCode: [] };
}

/**
 * Scores the ledger's active matches and exceptions against `truthPath` (truth.jsonl of writeMonthFiles).
 * `bankAccount`: the account of the month's camt statement (BANK_ACCOUNT in src/main/synthetic/monthFiles.ts).
 */
export function scoreAgainstTruth(db: LedgerDb, truthPath: string, bankAccount: string): AccuracyReport {
  const bankPrefix = `${bankAccount}:`;
  const { matches, pairs } = loadActiveMatches(db, bankPrefix);
  const exceptions = loadActiveExceptions(db, bankPrefix);
  const byStrategy: Record<string, LinkScore> = {};
  const byCode: Record<string, CodeScore> = {};
  const missedExamples: MissedExample[] = [];
  for (const line of readLines(truthPath)) {
    if (line.trim() === '') continue;
    const t = JSON.parse(line) as TruthLine;
    if (t.type === 'match') {
      const link = TRUTH_TO_LINK[t.strategy];
      if (link === undefined) throw new Error(`truth strategy "${t.strategy}" has no engine link`);
      const s = (byStrategy[t.strategy] ??= { expected: 0, found: 0, missed: 0, autoResolvedExpected: 0, autoResolvedFound: 0 });
      for (const l of t.keys.left) {
        for (const r of t.keys.right) {
          s.expected++;
          if (t.autoResolved !== undefined) s.autoResolvedExpected++;
          const hit = pairs.get(pairKey(link, l, r));
          if (hit === undefined) {
            s.missed++;
            if (missedExamples.length < EXAMPLES * 4) missedExamples.push({ strategy: t.strategy, ids: [l, r] });
            continue;
          }
          s.found++;
          if (t.autoResolved !== undefined && hit.status === 'auto_resolved') s.autoResolvedFound++;
          if (!hit.confirmed) {
            hit.confirmed = true;
            hit.match.unconfirmed--;
          }
        }
      }
    } else {
      const c = (byCode[t.code] ??= emptyCode());
      c.injected++;
      const touching = new Set<ActiveException>();
      for (const id of t.externalIds) for (const x of exceptions.byId.get(id) ?? []) touching.add(x);
      const right = [...touching].filter((x) => x.code === t.code);
      for (const x of right) x.claimed = true;
      if (right.length > 0) c.foundWithCode++;
      else if (touching.size > 0) {
        c.foundOtherCode++;
        const codes = [...new Set([...touching].map((x) => x.code))].sort();
        for (const code of codes) c.otherCode[code] = (c.otherCode[code] ?? 0) + 1;
        if (c.examplesOtherCode.length < EXAMPLES) c.examplesOtherCode.push({ ids: t.externalIds, codes });
      } else {
        c.notFound++;
        if (c.examplesNotFound.length < EXAMPLES) c.examplesNotFound.push(t.externalIds);
      }
    }
  }
  // A match is false when one of its pairs was never confirmed by truth.
  const falseByLink: Record<string, number> = {};
  const falseExamples: FalseMatchExample[] = [];
  let falseMatches = 0;
  for (const m of matches) {
    if (m.unconfirmed === 0) continue;
    falseMatches++;
    falseByLink[m.link] = (falseByLink[m.link] ?? 0) + 1;
    if (falseExamples.length >= EXAMPLES * 2) continue;
    let unexpected: [string, string] = ['', ''];
    outer: for (const l of m.left) {
      for (const r of m.right) {
        if (!(pairs.get(pairKey(m.link, l, r))?.confirmed ?? false)) {
          unexpected = [l, r];
          break outer;
        }
      }
    }
    falseExamples.push({
      matchId: m.matchId,
      link: m.link,
      status: m.status,
      ruleId: m.ruleId,
      left: m.left,
      right: m.right,
      unexpectedPair: unexpected,
    });
  }
  const unexpectedExceptions: Record<string, number> = {};
  const unexpectedExamples: AccuracyReport['unexpectedExamples'] = [];
  for (const x of exceptions.list) {
    if (x.claimed) continue;
    unexpectedExceptions[x.code] = (unexpectedExceptions[x.code] ?? 0) + 1;
    if (unexpectedExamples.filter((u) => u.code === x.code).length < 3)
      unexpectedExamples.push({ exceptionId: x.exceptionId, code: x.code, ids: x.ids });
  }
  const totals = Object.values(byStrategy).reduce((a, s) => ({ e: a.e + s.expected, f: a.f + s.found, m: a.m + s.missed }), { e: 0, f: 0, m: 0 });
  return {
    matches: { byStrategy, expected: totals.e, found: totals.f, missed: totals.m, missedExamples },
    activeMatches: matches.length,
    falseMatches,
    falseByLink,
    falseExamples,
    byCode,
    unexpectedExceptions,
    unexpectedExamples,
    activeExceptions: exceptions.list.length,
  };
}

/** Plain-text report; `targets` adds the issue's targets (zero false matches, every anomaly found with its code). */
export function formatAccuracy(r: AccuracyReport): string {
  const out: string[] = [];
  const pct = (a: number, b: number): string => (b === 0 ? '-' : `${((100 * a) / b).toFixed(2)}%`);
  out.push(
    `Expected matches (pairs): ${r.matches.found.toLocaleString('en-US')} / ${r.matches.expected.toLocaleString('en-US')} found (${pct(r.matches.found, r.matches.expected)}), ${r.matches.missed.toLocaleString('en-US')} missed`,
  );
  for (const [s, v] of Object.entries(r.matches.byStrategy)) {
    const auto =
      v.autoResolvedExpected > 0 ? `; auto-resolved expected ${v.autoResolvedExpected}, found as auto_resolved ${v.autoResolvedFound}` : '';
    out.push(`  ${s.padEnd(16)} (link ${TRUTH_TO_LINK[s]}): expected ${v.expected}, found ${v.found}, missed ${v.missed}${auto}`);
  }
  if (r.matches.missedExamples.length > 0) {
    out.push(
      `  missed, e.g.: ${r.matches.missedExamples
        .slice(0, 8)
        .map((m) => `${m.strategy} ${m.ids.join(' ↔ ')}`)
        .join('; ')}`,
    );
  }
  out.push(`Active matches: ${r.activeMatches.toLocaleString('en-US')}; FALSE matches: ${r.falseMatches} ${JSON.stringify(r.falseByLink)}`);
  for (const f of r.falseExamples) {
    out.push(
      `  false ${f.matchId} ${f.link} ${f.status} rule ${f.ruleId ?? '(manual)'}: left [${f.left.join(', ')}] right [${f.right.slice(0, 4).join(', ')}${f.right.length > 4 ? `, … ${f.right.length} in all` : ''}]; not expected: ${f.unexpectedPair.join(' ↔ ')}`,
    );
  }
  out.push('Injected anomalies (truth exception records):');
  out.push(
    `  ${'code'.padEnd(20)} ${'injected'.padStart(8)} ${'right code'.padStart(10)} ${'other code'.padStart(10)} ${'not found'.padStart(9)}  other codes`,
  );
  for (const [code, c] of Object.entries(r.byCode).sort()) {
    out.push(
      `  ${code.padEnd(20)} ${String(c.injected).padStart(8)} ${String(c.foundWithCode).padStart(10)} ${String(c.foundOtherCode).padStart(10)} ${String(c.notFound).padStart(9)}  ${Object.keys(c.otherCode).length === 0 ? '' : JSON.stringify(c.otherCode)}`,
    );
    for (const e of c.examplesOtherCode.slice(0, 2)) out.push(`    other code, e.g. [${e.ids.join(', ')}] → ${e.codes.join(', ')}`);
    for (const e of c.examplesNotFound.slice(0, 2)) out.push(`    not found, e.g. [${e.join(', ')}]`);
  }
  out.push(
    `Active exceptions: ${r.activeExceptions.toLocaleString('en-US')}; not claimed by an injected anomaly of their code: ${JSON.stringify(r.unexpectedExceptions)}`,
  );
  for (const u of r.unexpectedExamples.slice(0, 12))
    out.push(`  unexpected ${u.code} ${u.exceptionId}: [${u.ids.slice(0, 5).join(', ')}${u.ids.length > 5 ? ', …' : ''}]`);
  return out.join('\n');
}

/** The issue's accuracy targets against the measured report. */
export function accuracyTargets(r: AccuracyReport): string[] {
  const injected = Object.values(r.byCode).reduce((s, c) => s + c.injected, 0);
  const withCode = Object.values(r.byCode).reduce((s, c) => s + c.foundWithCode, 0);
  return [
    `zero false matches: ${r.falseMatches} → ${r.falseMatches === 0 ? 'met' : 'NOT met'}`,
    `every injected anomaly found with its code: ${withCode} / ${injected} → ${withCode === injected ? 'met' : 'NOT met'}`,
  ];
}
