// Matching test setup: the shipped samples imported for real, and engine-like match/exception projection rows over them.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { LedgerDb } from '../../src/main/ledger/database.ts';
import type { Workspace } from '../../src/main/workspace/workspace.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { JournalWriter } from '../../src/main/ledger/journal.ts';
import { DEFAULT_EXCEPTION_CLASS, type ExceptionCode, type ExceptionClass } from '../../src/shared/rules/ruleSet.ts';
import { PROJECT_ROOT } from './cli.ts';

export const SAMPLES_DIR = join(PROJECT_ROOT, 'resources/samples');

/** Imports the three sample files as the README does: 8 Stripe, 6 Shopify and 3 bank events. */
export function importSamples(ws: Workspace): void {
  const run = (source: string, file: string, extra: { format?: string; mappingPath?: string } = {}): void => {
    // The README's commands: each export covers October (the shipped files' period).
    importFiles(ws.db, ws.settings, { source, files: [join(SAMPLES_DIR, file)], actor: 'user:test', periodEnd: '2026-10-31', ...extra });
  };
  run('stripe:main', 'stripe-balance-2026-10.csv');
  run('shopify:store', 'shopify-orders-2026-10.csv');
  run('bank:main', 'bank-statement-2026-10.csv', { format: 'generic-csv', mappingPath: join(SAMPLES_DIR, 'bank-statement-mapping.json') });
}

/**
 * Imports the sample Stripe charges a second time through a generic-CSV mapping that takes the
 * customer e-mail as the external id, so the sample's `=cmd|evil@example.com` reaches a field the
 * match/exception exports carry. Source `stripe:emails`, kind payment.
 */
export function importSampleEmailsAsIds(ws: Workspace, dir: string): void {
  const mappingPath = join(dir, 'emails-mapping.json');
  const mapping = {
    version: 1,
    kind: 'payment',
    columns: { external_id: 'customer_email', amount: 'gross', currency: 'currency', occurred_at: 'created_utc' },
    date_format: 'YYYY-MM-DD HH:mm:ss',
    time_zone: 'UTC',
    decimal: '.',
    thousands: '',
    sign: 'as_is',
    external_id_strategy: 'column',
    skip_rows_where: { column: 'reporting_category', pattern: '^(refund|fee|payout)$' },
  };
  writeFileSync(mappingPath, JSON.stringify(mapping));
  importFiles(ws.db, ws.settings, {
    source: 'stripe:emails',
    files: [join(SAMPLES_DIR, 'stripe-balance-2026-10.csv')],
    format: 'generic-csv',
    mappingPath,
    actor: 'user:test',
  });
}

export function eventIdOf(db: LedgerDb, source: string, externalId: string): string {
  const id = db.prepare('SELECT event_id FROM events WHERE source = ? AND external_id = ?').pluck().get(source, externalId) as string | undefined;
  if (id === undefined) throw new Error(`no event ${source}/${externalId}`);
  return id;
}

function bankEvent(db: LedgerDb, kind: string, amountMinor: number): string {
  const id = db.prepare("SELECT event_id FROM events WHERE source = 'bank:main' AND kind = ? AND amount_minor = ?").pluck().get(kind, amountMinor) as
    string | undefined;
  if (id === undefined) throw new Error(`no bank ${kind} of ${amountMinor}`);
  return id;
}

/** Event ids of the samples by role; n is the order number's last digit (1001 → 1). */
export function sampleIds(db: LedgerDb) {
  return {
    order: (n: number) => eventIdOf(db, 'shopify:store', `730100${n}`),
    payment: (n: number) => eventIdOf(db, 'stripe:main', `txn_1Sa100${n}`),
    refund: eventIdOf(db, 'stripe:main', 'txn_1Sa1006'),
    fee: eventIdOf(db, 'stripe:main', 'txn_1Sa1007'),
    payout: eventIdOf(db, 'stripe:main', 'txn_1Sa1008'),
    bankPayout: bankEvent(db, 'bank_credit', 70911),
    bankUnknown: bankEvent(db, 'bank_credit', 125000),
    bankRent: bankEvent(db, 'bank_debit', -240000),
  };
}

export interface EngineMatchSpec {
  matchId: string;
  link: string;
  left: string[];
  right: string[];
  status?: 'matched' | 'auto_resolved';
  ruleId?: string;
  ruleVersion?: number;
  createdAt?: string;
  endedAt?: string;
}

/** A match as the engine would leave it in the projection (the engine journals its runs, not each match). */
export function insertEngineMatch(db: LedgerDb, spec: EngineMatchSpec): void {
  const at = spec.createdAt ?? '2026-11-01T00:00:00.000Z';
  db.transaction(() => {
    const inserted = db
      .prepare(
        `INSERT INTO matches (match_id, link, status, origin, rule_id, rule_set_id, rule_version, score, explanation, created_at, created_by, ended_at, ended_by, end_reason)
       VALUES (?, ?, ?, 'engine', ?, 'default', ?, 1, '{}', ?, 'system:engine', ?, ?, ?)`,
      )
      .run(
        spec.matchId,
        spec.link,
        spec.status ?? 'matched',
        spec.ruleId ?? `${spec.link.replace(/_/g, '-')}.exact`,
        spec.ruleVersion ?? 1,
        at,
        spec.endedAt ?? null,
        spec.endedAt === undefined ? null : 'system:engine',
        spec.endedAt === undefined ? null : 'no longer holds',
      );
    const member = db.prepare('INSERT INTO match_members (match_seq, event_seq, side) SELECT ?, seq, ? FROM events WHERE event_id = ?');
    for (const id of spec.left) member.run(inserted.lastInsertRowid, 'left', id);
    for (const id of spec.right) member.run(inserted.lastInsertRowid, 'right', id);
  })();
}

export interface EngineExceptionSpec {
  exceptionId: string;
  code: ExceptionCode;
  cls?: ExceptionClass;
  policyGated?: boolean;
  state?: 'open' | 'in_remediation' | 'assigned' | 'resolved' | 'reopened';
  amountMinor: number;
  currency?: string;
  eventIds: string[];
  createdAt?: string;
  endedAt?: string;
}

/**
 * An exception as the engine would leave it, with an `exception.opened` entry by `system:engine`
 * (and `exception.resolved` by `system:engine` when it starts resolved: a class-A auto-resolution).
 */
export function insertEngineException(db: LedgerDb, spec: EngineExceptionSpec): void {
  const at = spec.createdAt ?? '2026-11-01T00:00:00.000Z';
  const state = spec.state ?? 'open';
  const resolved = state === 'resolved';
  db.transaction(() => {
    const inserted = db
      .prepare(
        `INSERT INTO exceptions (exception_id, code, class, default_class, policy_gated, state, amount_minor, currency, explanation, origin,
         rule_id, rule_set_id, rule_version, created_at, resolved_at, resolved_by, resolution, ended_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', 'engine', 'fixture', 'default', 1, ?, ?, ?, ?, ?)`,
      )
      .run(
        spec.exceptionId,
        spec.code,
        spec.cls ?? DEFAULT_EXCEPTION_CLASS[spec.code],
        DEFAULT_EXCEPTION_CLASS[spec.code],
        spec.policyGated === true ? 1 : 0,
        state,
        spec.amountMinor,
        spec.currency ?? 'USD',
        at,
        resolved ? at : null,
        resolved ? 'system:engine' : null,
        resolved ? 'auto-resolved' : null,
        spec.endedAt ?? null,
      );
    const member = db.prepare('INSERT INTO exception_members (exception_seq, event_seq) SELECT ?, seq FROM events WHERE event_id = ?');
    for (const id of spec.eventIds) member.run(inserted.lastInsertRowid, id);
    const journal = new JournalWriter(db);
    journal.append({
      type: 'exception.opened',
      actor: 'system:engine',
      subjectId: spec.exceptionId,
      createdAt: at,
      payload: { exception_id: spec.exceptionId },
    });
    if (resolved)
      journal.append({
        type: 'exception.resolved',
        actor: 'system:engine',
        reason: 'auto-resolved',
        subjectId: spec.exceptionId,
        createdAt: at,
        payload: {},
      });
  })();
}
