// Promotion behind the observation window (refused with what is missing, overridden with a reason, met by days or by a
// configured number of events), the canary's auto-resolution inside and outside its scope, and rollback to exactly
// the results before the promotion, people's decisions in between kept.
import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createVersion } from '../../src/main/ruleVersions/versionLifecycle.ts';
import { observationWindow, promote, PromotionRefusedError, rollback } from '../../src/main/ruleVersions/promotion.ts';
import { canaryFigures } from '../../src/main/ruleVersions/canaryFigures.ts';
import { activeVersion, canaryVersion, currentStates } from '../../src/main/ruleVersions/versionStates.ts';
import { laneFile } from '../../src/main/ruleVersions/shadowFile.ts';
import { commentException, reopenException, resolveExceptions } from '../../src/main/matching/decisions.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { importAndReconcile } from '../../src/main/workflows/importAndReconcile.ts';
import { ruleSetInForce } from '../../src/main/matching/engine/ruleSetInForce.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { versionLabel } from '../../src/shared/rules/ruleVersions.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { charge, importMonth, newWorkspace, order, stripeCsv } from '../matching/monthBuilder.ts';
import { demoWorkspace, editedDefault, NO_ROUNDING, projection } from './ruleVersionSupport.ts';

const root = makeTempDir('tieout-promote-');

describe('promotion and rollback', () => {
  const ws = demoWorkspace(root, 'promote');
  const before = projection(ws.db);
  const v = createVersion(ws.db, ws.settings, { definition: NO_ROUNDING, reason: 'exact to the cent', actor: 'user:ana' }).version;

  it('is refused until the window is met, naming what is missing', () => {
    const w = observationWindow(ws.db, ws.settings, v);
    expect([w.met, w.observedDays, w.observedEvents]).toEqual([false, 0, 0]);
    let refused: unknown;
    try {
      promote(ws.db, ws.settings, { version: v, reason: 'go', actor: 'user:ana' });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(PromotionRefusedError);
    expect((refused as PromotionRefusedError).message).toMatch(/observed 0 of the 14 days of business time the window needs/);
    expect(activeVersion(ws.db)).toEqual({ ruleSetId: 'default', version: 4 });
    expect(projection(ws.db)).toEqual(before);
  });

  it('goes ahead with an override, journaled with the reason and what was missing, and runs the ledger under it', () => {
    const p = promote(ws.db, ws.settings, { version: v, reason: 'the processor settles to the cent', actor: 'user:ana', overrideWindow: true });
    expect([p.state, p.previous, p.overridden, p.run.mode, p.run.rule_set_id]).toEqual(['active', 'default@4', true, 'full', 'workspace']);
    const override = ws.db.prepare("SELECT actor, reason, payload FROM journal WHERE entry_type = 'rules.window_overridden'").get() as {
      actor: string;
      reason: string;
      payload: string;
    };
    expect(override).toMatchObject({ actor: 'user:ana', reason: 'the processor settles to the cent' });
    expect(JSON.parse(override.payload).missing[0]).toMatch(/observed 0 of the 14 days/);
    expect(
      currentStates(ws.db)
        .filter((s) => s.state === 'active')
        .map(versionLabel),
    ).toEqual(['workspace@1']);
    expect(currentStates(ws.db).find((s) => versionLabel(s) === 'default@4')?.state).toBe('retired');
    expect(existsSync(laneFile(ws.db.name, v))).toBe(false);
    const after = projection(ws.db);
    expect(after.exceptions.some((x) => / AMOUNT_MISMATCH C open /.test(x))).toBe(true);
    expect(after).not.toEqual(before);
  });

  it('rolls back in one action to exactly the results before the promotion, keeping the decisions people took meanwhile', () => {
    const open = ws.db
      .prepare("SELECT exception_id FROM exceptions WHERE ended_at IS NULL AND code = 'UNKNOWN_BANK_LINE' ORDER BY exception_id LIMIT 1")
      .pluck()
      .get() as string;
    resolveExceptions(ws.db, { exceptionIds: [open], actor: 'user:ana', reason: 'owner transfer' });
    commentException(ws.db, { exceptionId: open, actor: 'user:ana', text: 'booked to equity' });
    const decided = ws.db.prepare('SELECT state, resolved_by, resolution FROM exceptions WHERE exception_id = ?').get(open);
    const r = rollback(ws.db, ws.settings, { reason: 'too strict for card rounding', actor: 'user:ana' });
    expect([r.version, r.rolledBack, r.run.mode]).toEqual(['default@4', 'workspace@1', 'full']);
    expect(activeVersion(ws.db)).toEqual({ ruleSetId: 'default', version: 4 });
    const now = projection(ws.db);
    const mark = (p: typeof before): typeof before => ({ ...p, exceptions: p.exceptions.filter((x) => !x.startsWith(`${open} `)) });
    expect(mark(now)).toEqual(mark(before));
    expect(ws.db.prepare('SELECT state, resolved_by, resolution FROM exceptions WHERE exception_id = ?').get(open)).toEqual(decided);
    expect(ws.db.prepare("SELECT count(*) FROM journal WHERE entry_type = 'rules.rolled_back'").pluck().get()).toBe(1);
    expect(() => rollback(ws.db, ws.settings, { reason: 'again', actor: 'user:ana' })).toThrow(/nothing to roll back to/);
    expect(verifyLedger(ws.db).ok).toBe(true);
  });
});

describe('the observation window', () => {
  it('is met by the configured number of new events observed in shadow, without an override', () => {
    const ws = newWorkspace(root, 'window');
    ws.settings = { ...ws.settings, promotion: { min_observation_events: 3 } };
    importMonth(ws, root, { orders: [order(1, '10.00', '2026-10-05 09:00:00')], txns: [charge(1, '10.01', '2026-10-05 14:00:00')] });
    reconcile(ws.db, ws.settings, { mode: 'full' });
    const v = createVersion(ws.db, ws.settings, { definition: NO_ROUNDING, reason: 'exact', actor: 'user:ana' }).version;
    expect(observationWindow(ws.db, ws.settings, v).missing[0]).toMatch(/and 0 of the 3 new events/);
    const file = join(root, 'more-stripe.csv');
    writeFileSync(
      file,
      stripeCsv([charge(5, '5.00', '2026-10-20 10:00:00'), charge(6, '6.00', '2026-10-21 10:00:00'), charge(7, '7.00', '2026-10-22 10:00:00')]),
    );
    const imported = importAndReconcile(ws, { source: 'stripe:main', files: [file], actor: 'user:test' });
    expect(imported.shadows.map((s) => s.error)).toEqual([null]);
    const w = observationWindow(ws.db, ws.settings, v);
    expect([w.observedEvents, w.met]).toEqual([3, true]);
    expect(w.observedDays).toBeCloseTo((Date.parse('2026-10-22T10:00:00Z') - Date.parse('2026-10-05T14:00:00Z')) / 86_400_000, 5);
    expect(promote(ws.db, ws.settings, { version: v, reason: 'observed enough', actor: 'user:ana' }).overridden).toBe(false);
  });

  it('refuses a version whose estimated false positive rate is above the threshold', () => {
    const ws = newWorkspace(root, 'fp');
    ws.settings = { ...ws.settings, promotion: { min_observation_days: 0, max_false_positive_rate: 0.1 } };
    importMonth(ws, root, { orders: [order(1, '10.00', '2026-10-05 09:00:00')], txns: [charge(1, '10.04', '2026-10-05 14:00:00')] });
    reconcile(ws.db, ws.settings, { mode: 'full' });
    // A person keeps the 4-cent difference open; a version that calls it rounding would auto-resolve it.
    const x = ws.db.prepare("SELECT exception_id FROM exceptions WHERE code = 'AMOUNT_MISMATCH'").pluck().get() as string;
    resolveExceptions(ws.db, { exceptionIds: [x], actor: 'user:ana', reason: 'refunded the 4 cents' });
    const loose = editedDefault({ 'order-payment.exact-key': { rounding_minor: 5 } }, 'rounding 5');
    const v = createVersion(ws.db, ws.settings, { definition: loose, reason: 'card rounding', actor: 'user:ana' }).version;
    // Resolved by a person and auto-resolved by the version agree; a reopen is what overturns an auto-resolution.
    expect(observationWindow(ws.db, ws.settings, v).met).toBe(true);
    reopenException(ws.db, { exceptionId: x, actor: 'user:bo', reason: 'the 4 cents were not refunded' });
    const w = observationWindow(ws.db, ws.settings, v);
    expect(w.missing).toEqual(['estimated false positive rate 100.0% (1 of 1 auto-resolutions a person had overturned) is above 10.0%']);
  });
});

describe('a canary', () => {
  const ws = newWorkspace(root, 'canary');
  importMonth(ws, root, {
    orders: [order(1, '10.00', '2026-10-05 09:00:00'), order(2, '20.00', '2026-10-06 09:00:00'), order(3, '30.00', '2026-10-07 09:00:00')],
    txns: [charge(1, '10.03', '2026-10-05 14:00:00'), charge(2, '20.01', '2026-10-06 14:00:00'), charge(3, '30.04', '2026-10-07 14:00:00')],
  });
  reconcile(ws.db, ws.settings, { mode: 'full' });
  // Rounding up to 5 cents: #1 and #3 become ROUNDING_DIFF (class A) where the live rules raise AMOUNT_MISMATCH.
  const v = createVersion(ws.db, ws.settings, {
    definition: editedDefault({ 'order-payment.exact-key': { rounding_minor: 5 } }, 'rounding 5'),
    reason: 'card rounding',
    actor: 'user:ana',
  }).version;
  const classes = (): string[] =>
    ws.db
      .prepare(
        "SELECT x.code || ' ' || x.class || ' ' || x.state || ' ' || x.amount_minor FROM exceptions x WHERE x.ended_at IS NULL ORDER BY abs(x.amount_minor)",
      )
      .pluck()
      .all() as string[];

  it('auto-resolves only inside its scope; outside, a person decides unless the previous version auto-resolves the same exception', () => {
    expect(classes()).toEqual(['ROUNDING_DIFF A resolved 1', 'AMOUNT_MISMATCH C open 3', 'AMOUNT_MISMATCH C open 4']);
    const p = promote(ws.db, ws.settings, {
      version: v,
      reason: 'try on timing first',
      actor: 'user:ana',
      overrideWindow: true,
      canary: { sources: [], codes: ['TIMING_DIFF'] },
    });
    expect([p.state, versionLabel(canaryVersion(ws.db) ?? { ruleSetId: '-', version: 0 })]).toEqual(['canary', 'workspace@1']);
    expect(activeVersion(ws.db)).toEqual({ ruleSetId: 'default', version: 4 });
    expect(ruleSetInForce(ws.db).rule_set_id).toBe('workspace');
    // The 1-cent difference the active version auto-resolves too stays auto-resolved; the 3- and 4-cent ones wait.
    expect(classes()).toEqual(['ROUNDING_DIFF A resolved 1', 'ROUNDING_DIFF C open 3', 'ROUNDING_DIFF C open 4']);
    const held = ws.db.prepare('SELECT explanation FROM exceptions WHERE ended_at IS NULL AND amount_minor = 3').pluck().get() as string;
    expect(held).toMatch(/canary workspace@1 auto-resolves only TIMING_DIFF; default@4 would not auto-resolve this: a person decides/);
    expect(canaryFigures(ws.db)).toMatchObject({ version: 'workspace@1', previous: 'default@4', heldForPeople: 2, reopened: 0 });
    // The active version runs in its lane meanwhile.
    expect(existsSync(laneFile(ws.db.name, { ruleSetId: 'default', version: 4 }))).toBe(true);
  });

  it('widens in one action: a scope of sources, then everywhere', () => {
    promote(ws.db, ws.settings, {
      version: v,
      reason: 'stripe looks right',
      actor: 'user:ana',
      canary: { sources: ['stripe'], codes: ['TIMING_DIFF'] },
    });
    expect(classes()).toEqual(['ROUNDING_DIFF A resolved 1', 'ROUNDING_DIFF A resolved 3', 'ROUNDING_DIFF A resolved 4']);
    expect(() =>
      promote(ws.db, ws.settings, { version: v, reason: 'narrow', actor: 'user:ana', canary: { sources: [], codes: ['ROUNDING_DIFF'] } }),
    ).toThrow(/widened, never narrowed/);
    const all = promote(ws.db, ws.settings, { version: v, reason: 'everywhere', actor: 'user:ana' });
    expect([all.state, all.previous, all.window]).toEqual(['active', 'default@4', null]);
    expect(canaryVersion(ws.db)).toBeNull();
    expect(existsSync(laneFile(ws.db.name, { ruleSetId: 'default', version: 4 }))).toBe(false);
  });

  it('rolls a canary back to the active version everywhere', () => {
    const ws2 = newWorkspace(root, 'canary-back');
    importMonth(ws2, root, { orders: [order(1, '10.00', '2026-10-05 09:00:00')], txns: [charge(1, '10.03', '2026-10-05 14:00:00')] });
    reconcile(ws2.db, ws2.settings, { mode: 'full' });
    const before = projection(ws2.db);
    const v2 = createVersion(ws2.db, ws2.settings, {
      definition: editedDefault({ 'order-payment.exact-key': { rounding_minor: 5 } }, 'r5'),
      reason: 'r',
      actor: 'user:ana',
    }).version;
    promote(ws2.db, ws2.settings, {
      version: v2,
      reason: 'canary',
      actor: 'user:ana',
      overrideWindow: true,
      canary: { sources: ['stripe:main'], codes: [] },
    });
    expect(projection(ws2.db)).not.toEqual(before);
    const r = rollback(ws2.db, ws2.settings, { reason: 'not yet', actor: 'user:ana' });
    expect([r.version, r.rolledBack]).toEqual(['default@4', 'workspace@1']);
    expect(canaryVersion(ws2.db)).toBeNull();
    expect(projection(ws2.db)).toEqual(before);
  });
});
