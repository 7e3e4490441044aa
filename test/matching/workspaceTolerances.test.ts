// Tolerances saved from Settings: a new immutable version of the workspace rule set, journaled, put in force by a
// full run, and kept in force by later runs that name no rule set (imports included).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createDemoWorkspace } from '../../src/main/workflows/demoMonth.ts';
import { saveWorkspaceTolerances, WORKSPACE_RULE_SET_ID } from '../../src/main/matching/workspaceTolerances.ts';
import { ruleSetInForce } from '../../src/main/matching/engine/ruleSetInForce.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { DecisionError } from '../../src/main/matching/decisions.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { DEFAULT_RULE_SET } from '../../src/shared/rules/defaultRuleSet.ts';
import { makeTempDir } from '../support/tempDir.ts';

const root = makeTempDir('tieout-tolerances-');

describe('workspace tolerances', () => {
  const { workspace: ws } = createDemoWorkspace(join(root, 'demo'), { orders: 200, actor: 'user:test' });
  const exact = DEFAULT_RULE_SET.rules.find((r) => r.id === 'order-payment.exact-key');
  if (exact === undefined) throw new Error('the default rule set has no order-payment.exact-key rule');

  it('stores a new workspace version, runs under it, and journals the decision with before and after', () => {
    expect(ruleSetInForce(ws.db).rule_set_id).toBe('default');
    const saved = saveWorkspaceTolerances(ws.db, ws.settings, {
      changes: [{ ruleId: exact.id, toleranceMinor: 0, toleranceBps: 0, roundingMinor: 5 }],
      actor: 'user:ana',
      reason: 'card processor rounds to 5 cents',
    });
    expect([saved.ruleSet.rule_set_id, saved.ruleSet.version]).toEqual([WORKSPACE_RULE_SET_ID, 1]);
    const inForce = ruleSetInForce(ws.db);
    expect([inForce.rule_set_id, inForce.version]).toEqual(['workspace', 1]);
    expect(inForce.rules.find((r) => r.id === exact.id)?.amount).toMatchObject({ tolerance_minor: 0, tolerance_bps: 0, rounding_minor: 5 });
    // Every other rule is the default's, unchanged.
    expect(inForce.rules.filter((r) => r.id !== exact.id)).toEqual(DEFAULT_RULE_SET.rules.filter((r) => r.id !== exact.id));
    const run = ws.db.prepare('SELECT mode, rule_set_id, rule_version FROM recon_runs WHERE run_id = ?').get(saved.run.run_id);
    expect(run).toEqual({ mode: 'full', rule_set_id: 'workspace', rule_version: 1 });
    const entry = ws.db.prepare(`SELECT actor, reason, subject_id, payload FROM journal WHERE entry_type = 'rules.tolerances_changed'`).get() as {
      actor: string;
      reason: string;
      subject_id: string;
      payload: string;
    };
    expect(entry).toMatchObject({ actor: 'user:ana', reason: 'card processor rounds to 5 cents', subject_id: 'workspace@1' });
    expect(JSON.parse(entry.payload)).toEqual({
      from: { rule_set_id: 'default', version: DEFAULT_RULE_SET.version },
      to: { rule_set_id: 'workspace', version: 1 },
      run_id: saved.run.run_id,
      before: { [exact.id]: { tolerance_minor: 0, tolerance_bps: 0, rounding_minor: 2 } },
      after: { [exact.id]: { tolerance_minor: 0, tolerance_bps: 0, rounding_minor: 5 } },
    });
    expect(verifyLedger(ws.db).ok).toBe(true);
  });

  it('stays in force for runs that name no rule set, and the next change is version 2', () => {
    const report = reconcile(ws.db, ws.settings, { mode: 'full', actor: 'system:engine' });
    expect(ws.db.prepare('SELECT rule_set_id, rule_version FROM recon_runs WHERE run_id = ?').get(report.run_id)).toEqual({ rule_set_id: 'workspace', rule_version: 1 });
    const next = saveWorkspaceTolerances(ws.db, ws.settings, {
      changes: [{ ruleId: exact.id, toleranceMinor: 0, toleranceBps: 10, roundingMinor: 5 }],
      actor: 'user:ana',
      reason: 'allow 0.1% for FX rounding',
    });
    expect(next.ruleSet.version).toBe(2);
    expect(ruleSetInForce(ws.db).rules.find((r) => r.id === exact.id)?.amount.tolerance_bps).toBe(10);
  });

  it('refuses no change, an unknown rule and a missing reason, storing nothing', () => {
    const versions = () => ws.db.prepare(`SELECT count(*) FROM rule_sets WHERE rule_set_id = 'workspace'`).pluck().get();
    const before = versions();
    const same = ruleSetInForce(ws.db).rules.find((r) => r.id === exact.id)?.amount;
    expect(() =>
      saveWorkspaceTolerances(ws.db, ws.settings, {
        changes: [{ ruleId: exact.id, toleranceMinor: same?.tolerance_minor ?? 0, toleranceBps: same?.tolerance_bps ?? 0, roundingMinor: same?.rounding_minor ?? 0 }],
        actor: 'user:ana',
        reason: 'no-op',
      }),
    ).toThrow(DecisionError);
    expect(() => saveWorkspaceTolerances(ws.db, ws.settings, { changes: [{ ruleId: 'nope', toleranceMinor: 1, toleranceBps: 0, roundingMinor: 0 }], actor: 'user:ana', reason: 'x' })).toThrow(
      /rule nope is not in rule set workspace v2/,
    );
    expect(() => saveWorkspaceTolerances(ws.db, ws.settings, { changes: [{ ruleId: exact.id, toleranceMinor: 9, toleranceBps: 0, roundingMinor: 0 }], actor: 'user:ana', reason: '  ' })).toThrow(
      /reason/,
    );
    expect(versions()).toBe(before);
  });
});
