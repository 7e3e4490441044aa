// A canary's live runs (DESIGN §8): the canary version runs live, but its auto-resolution (class A) applies only to
// exceptions of its scope (their code, or a source of one of their events); outside it, an exception stays with a
// person unless the previous version, running meanwhile in its lane, auto-resolves the same exception (same id: ids
// are hashes of code and events).
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { LedgerDb } from '../ledger/database.ts';
import type { AutoResolveGate } from '../matching/engine/engine.ts';
import { canaryScopeText, sourceInScope, versionLabel, type CanaryScope, type VersionRef } from '../../shared/rules/ruleVersions.ts';
import { laneFile, ledgerPathOf } from './shadowFile.ts';

export interface CanaryGate {
  gate: AutoResolveGate;
  close(): void;
}

/**
 * The gate of a canary run over `ledger`: in scope → auto-resolves; else the previous version's lane is asked whether
 * it auto-resolves the exception (active, class A); if not, a person decides, and the policy text says so.
 */
export function openCanaryGate(ledger: LedgerDb, canary: VersionRef, scope: CanaryScope, previous: VersionRef): CanaryGate {
  const codes = new Set(scope.codes);
  const sourceOf = ledger.prepare('SELECT source FROM events WHERE seq = ?').pluck();
  const file = laneFile(ledgerPathOf(ledger), previous);
  const lane = existsSync(file) ? new Database(file, { readonly: true, fileMustExist: true }) : null;
  const previousAutoResolves = lane?.prepare("SELECT 1 FROM exceptions WHERE exception_id = ? AND ended_at IS NULL AND class = 'A'").pluck();
  const why = `canary ${versionLabel(canary)} auto-resolves only ${canaryScopeText(scope)}; ${versionLabel(previous)} would not auto-resolve this: a person decides`;
  const gate: AutoResolveGate = (x) => {
    if (codes.has(x.code)) return null;
    if (x.events.some((e) => sourceInScope(sourceOf.get(e.seq) as string, scope))) return null;
    if (previousAutoResolves !== undefined && previousAutoResolves.get(x.exceptionId) !== undefined) return null;
    return why;
  };
  return { gate, close: () => lane?.close() };
}
