// Tolerances saved from the Rules screen: a new immutable version of the workspace rule set, created in shadow with the
// person's reason (nothing live changes until it is promoted), journaled with before and after.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createDemoWorkspace } from '../../src/main/workflows/demoMonth.ts';
import { saveWorkspaceTolerances, WORKSPACE_RULE_SET_ID } from '../../src/main/matching/workspaceTolerances.ts';
import { ruleSetInForce } from '../../src/main/matching/engine/ruleSetInForce.ts';
import { DecisionError } from '../../src/main/matching/decisions.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { effectiveState, ruleSetOf } from '../../src/main/ruleVersions/versionStates.ts';
import { laneFile } from '../../src/main/ruleVersions/shadowFile.ts';
import { promote } from '../../src/main/ruleVersions/promotion.ts';
import { DEFAULT_RULE_SET } from '../../src/shared/rules/defaultRuleSet.ts';
import { makeTempDir } from '../support/tempDir.ts';

const root = makeTempDir('tieout-tolerances-');

describe('workspace tolerances', () => {
  const { workspace: ws } = createDemoWorkspace(join(root, 'demo'), { orders: 200, actor: 'user:test' });
  const exact = DEFAULT_RULE_SET.rules.find((r) => r.id === 'order-payment.exact-key');
  if (exact === undefined) throw new Error('the default rule set has no order-payment.exact-key rule');
  const live = () => ws.db.prepare("SELECT match_id || status FROM matches WHERE ended_at IS NULL ORDER BY 1").pluck().all();

  it('stores a new workspace version in shadow, runs it in its lane only, and journals the decision with before and after', () => {
    const before = live();
    const saved = saveWorkspaceTolerances(ws.db, ws.settings, {
      changes: [{ ruleId: exact.id, toleranceMinor: 0, toleranceBps: 0, roundingMinor: 5 }],
      actor: 'user:ana',
      reason: 'card processor rounds to 5 cents',
    });
    expect([saved.ruleSet.rule_set_id, saved.ruleSet.version, saved.state]).toEqual([WORKSPACE_RULE_SET_ID, 1, 'shadow']);
    const v = { ruleSetId: 'workspace', version: 1 };
    expect(effectiveState(ws.db, v)).toBe('shadow');
    expect(ruleSetOf(ws.db, v).rules.find((r) => r.id === exact.id)?.amount).toMatchObject({ tolerance_minor: 0, tolerance_bps: 0, rounding_minor: 5 });
    // Every other rule is the default's, unchanged.
    expect(ruleSetOf(ws.db, v).rules.filter((r) => r.id !== exact.id)).toEqual(DEFAULT_RULE_SET.rules.filter((r) => r.id !== exact.id));
    // Nothing live changed: the rules in force are the default's, the projection is as it was; the version runs apart.
    expect(ruleSetInForce(ws.db).rule_set_id).toBe('default');
    expect(live()).toEqual(before);
    expect(saved.run?.mode).toBe('full');
    expect(existsSync(laneFile(ws.db.name, v))).toBe(true);
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
      state: 'shadow',
      shadow_run_id: saved.run?.run_id,
      before: { [exact.id]: { tolerance_minor: 0, tolerance_bps: 0, rounding_minor: 2 } },
      after: { [exact.id]: { tolerance_minor: 0, tolerance_bps: 0, rounding_minor: 5 } },
    });
    expect(verifyLedger(ws.db).ok).toBe(true);
  });

  it('builds on the rules in force: once promoted, the next change is version 2 from version 1', () => {
    promote(ws.db, ws.settings, { version: { ruleSetId: 'workspace', version: 1 }, reason: 'agreed with the controller', actor: 'user:ana', overrideWindow: true });
    expect(ruleSetInForce(ws.db).version).toBe(1);
    const next = saveWorkspaceTolerances(ws.db, ws.settings, {
      changes: [{ ruleId: exact.id, toleranceMinor: 0, toleranceBps: 10, roundingMinor: 5 }],
      actor: 'user:ana',
      reason: 'allow 0.1% for FX rounding',
    });
    expect(next.ruleSet.version).toBe(2);
    expect(next.ruleSet.rules.find((r) => r.id === exact.id)?.amount).toMatchObject({ tolerance_bps: 10, rounding_minor: 5 });
    expect(ruleSetInForce(ws.db).version).toBe(1);
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
      /rule nope is not in rule set workspace v1/,
    );
    expect(() => saveWorkspaceTolerances(ws.db, ws.settings, { changes: [{ ruleId: exact.id, toleranceMinor: 9, toleranceBps: 0, roundingMinor: 0 }], actor: 'user:ana', reason: '  ' })).toThrow(
      /reason/,
    );
    // The same tolerances as a version already stored (workspace@2) are refused too: nothing would differ.
    expect(() => saveWorkspaceTolerances(ws.db, ws.settings, { changes: [{ ruleId: exact.id, toleranceMinor: 0, toleranceBps: 10, roundingMinor: 5 }], actor: 'user:ana', reason: 'again' })).toThrow(
      /workspace@2 already/,
    );
    expect(versions()).toBe(before);
  });
});
