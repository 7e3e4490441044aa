// The state machine of rule set versions: labels, canary scopes, allowed transitions, and the ledger's log of states
// (one active version, every transition journaled, a ledger without states keeping its latest run's rule set).
import { describe, expect, it } from 'vitest';
import {
  canMove,
  parseCanaryScope,
  parseVersionLabel,
  RULE_VERSION_STATES,
  scopeCovers,
  sourceInScope,
  TRANSITIONS,
  versionLabel,
} from '../../src/shared/rules/ruleVersions.ts';
import { activeVersion, currentStates, effectiveState, recordTransition } from '../../src/main/ruleVersions/versionStates.ts';
import { ruleSetInForce } from '../../src/main/matching/engine/ruleSetInForce.ts';
import { createVersion, retireVersion, useDirectly } from '../../src/main/ruleVersions/versionLifecycle.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { DEFAULT_RULE_SET } from '../../src/shared/rules/defaultRuleSet.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { demoWorkspace, editedDefault, NO_ROUNDING } from './ruleVersionSupport.ts';

const root = makeTempDir('tieout-states-');

describe('version labels and canary scopes', () => {
  it('reads id@version and a bare number as the workspace line, and refuses anything else', () => {
    expect(parseVersionLabel('default@4')).toEqual({ ruleSetId: 'default', version: 4 });
    expect(parseVersionLabel(' 3 ')).toEqual({ ruleSetId: 'workspace', version: 3 });
    expect(versionLabel({ ruleSetId: 'acme.rules', version: 12 })).toBe('acme.rules@12');
    for (const bad of ['default', '@4', 'Default@4', 'default@x', 'default@4@5', ''])
      expect(() => parseVersionLabel(bad)).toThrow(/not a rule set version/);
  });

  it('splits --canary into sources and exception codes; unknown codes and empty lists are refused', () => {
    expect(parseCanaryScope('stripe:main, ROUNDING_DIFF,paypal,TIMING_DIFF')).toEqual({
      sources: ['paypal', 'stripe:main'],
      codes: ['ROUNDING_DIFF', 'TIMING_DIFF'],
    });
    expect(() => parseCanaryScope('ROUNDING')).toThrow(/not an exception code/);
    expect(() => parseCanaryScope(' , ')).toThrow(/at least one/);
    expect(sourceInScope('stripe:main', { sources: ['stripe'], codes: [] })).toBe(true);
    expect(sourceInScope('stripe:eu', { sources: ['stripe:main'], codes: [] })).toBe(false);
    expect(scopeCovers({ sources: ['stripe'], codes: ['TIMING_DIFF'] }, { sources: ['stripe:main'], codes: [] })).toBe(true);
    expect(scopeCovers({ sources: ['stripe:main'], codes: [] }, { sources: ['stripe:main'], codes: ['TIMING_DIFF'] })).toBe(false);
  });

  it('allows only the designed transitions', () => {
    const allowed = RULE_VERSION_STATES.flatMap((from) => RULE_VERSION_STATES.filter((to) => canMove(from, to)).map((to) => `${from}>${to}`));
    expect(allowed.sort()).toEqual(
      [
        'draft>shadow',
        'draft>retired',
        'shadow>canary',
        'shadow>active',
        'shadow>retired',
        'canary>canary',
        'canary>active',
        'canary>retired',
        'active>retired',
        'retired>shadow',
        'retired>active',
      ].sort(),
    );
    // Nothing becomes active without having been observed (shadow, canary) or active before (a rollback).
    expect(RULE_VERSION_STATES.filter((s) => TRANSITIONS[s].includes('active')).sort()).toEqual(['canary', 'retired', 'shadow']);
  });
});

describe('the states of a ledger', () => {
  const ws = demoWorkspace(root, 'ledger');

  it('treats the rule set of the latest run as active while no state is recorded', () => {
    expect(currentStates(ws.db)).toEqual([]);
    expect(activeVersion(ws.db)).toEqual({ ruleSetId: 'default', version: DEFAULT_RULE_SET.version });
    expect(effectiveState(ws.db, { ruleSetId: 'default', version: DEFAULT_RULE_SET.version })).toBe('active');
  });

  it('journals each transition with actor and reason and refuses the ones the machine does not allow', () => {
    const created = createVersion(ws.db, ws.settings, { definition: NO_ROUNDING, reason: 'exact to the cent', actor: 'user:ana', state: 'draft' });
    const v = created.version;
    expect(versionLabel(v)).toBe('workspace@1');
    expect(effectiveState(ws.db, v)).toBe('draft');
    expect(() => recordTransition(ws.db, v, { to: 'active', actor: 'user:ana', reason: 'skip the shadow' })).toThrow(
      /is draft: it cannot become active/,
    );
    expect(() => recordTransition(ws.db, v, { to: 'shadow', actor: 'user:ana', reason: '  ' })).toThrow(/reason is required/);
    retireVersion(ws.db, v, { reason: 'not needed', actor: 'user:ana' });
    const entries = ws.db.prepare("SELECT entry_type, actor, reason, subject_id FROM journal WHERE entry_type LIKE 'rules.%' ORDER BY seq").all();
    expect(entries).toEqual([
      { entry_type: 'rules.version_created', actor: 'user:ana', reason: 'exact to the cent', subject_id: 'workspace@1' },
      { entry_type: 'rules.drafted', actor: 'user:ana', reason: 'exact to the cent', subject_id: 'workspace@1' },
      { entry_type: 'rules.retired', actor: 'user:ana', reason: 'not needed', subject_id: 'workspace@1' },
    ]);
    // Every state row points at its journal entry.
    expect(
      ws.db
        .prepare(
          "SELECT count(*) FROM rule_set_states s JOIN journal j ON j.seq = s.journal_seq AND j.subject_id = s.rule_set_id || '@' || s.version",
        )
        .pluck()
        .get(),
    ).toBe(2);
    expect(() => ws.db.prepare("UPDATE rule_set_states SET state = 'active'").run()).toThrow(/append-only/);
    expect(verifyLedger(ws.db).ok).toBe(true);
  });

  it('refuses a version identical to a stored one, and numbers new versions per line', () => {
    expect(() => createVersion(ws.db, ws.settings, { definition: NO_ROUNDING, reason: 'again', actor: 'user:ana', state: 'draft' })).toThrow(
      /those of workspace@1 already/,
    );
    expect(() =>
      createVersion(ws.db, ws.settings, { definition: { ...DEFAULT_RULE_SET, name: 'renamed' }, reason: 'same rules', actor: 'user:ana' }),
    ).toThrow(/default@4 already/);
    const other = createVersion(ws.db, ws.settings, {
      definition: { ...editedDefault({ 'order-payment.exact-key': { rounding_minor: 3 } }), rule_set_id: 'acme', version: 9 },
      reason: 'own line',
      actor: 'user:ana',
      state: 'draft',
    });
    expect(versionLabel(other.version)).toBe('acme@1');
  });

  it('keeps exactly one active version when a rule set is used directly, and the live runs use it', () => {
    const custom = { ...editedDefault({ 'order-payment.exact-key': { rounding_minor: 4 } }), rule_set_id: 'direct', version: 1 };
    useDirectly(ws.db, custom, { actor: 'user:ana', reason: 'tieout reconcile --rules' });
    const actives = currentStates(ws.db).filter((s) => s.state === 'active');
    expect(actives.map(versionLabel)).toEqual(['direct@1']);
    expect(effectiveState(ws.db, { ruleSetId: 'default', version: DEFAULT_RULE_SET.version })).toBe('retired');
    expect([ruleSetInForce(ws.db).rule_set_id, ruleSetInForce(ws.db).version]).toEqual(['direct', 1]);
    const run = reconcile(ws.db, ws.settings, { mode: 'incremental' });
    // The projection was made by other rules: the run decides the whole ledger again.
    expect([run.mode, run.rule_set_id]).toEqual(['full', 'direct']);
    const promoted = ws.db
      .prepare("SELECT payload FROM journal WHERE entry_type = 'rules.promoted' ORDER BY seq DESC LIMIT 1")
      .pluck()
      .get() as string;
    expect(JSON.parse(promoted)).toMatchObject({ version: 'direct@1', to: 'active', override: true, direct: true, replaces: 'default@4' });
  });
});
