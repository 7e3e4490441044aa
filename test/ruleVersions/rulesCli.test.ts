// The CLI names scripts rely on (issue 11): rules list|show|create|promote|rollback, shadow compare, replay; their JSON,
// exit codes (a refused promotion is bad input: 2) and the period replay leaving the ledger as it was.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tieout } from '../support/cli.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { DEFAULT_RULE_SET } from '../../src/shared/rules/defaultRuleSet.ts';

const root = makeTempDir('tieout-rules-cli-');
const ws = join(root, 'books');

function ok(...args: string[]): string {
  const r = tieout(...args);
  expect(r.stderr, args.join(' ')).toBe('');
  expect(r.status, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

function ledgerState(): string {
  const db = new Database(join(ws, 'ledger.sqlite'), { readonly: true });
  try {
    return createHash('sha256')
      .update(
        JSON.stringify([
          db.prepare('SELECT * FROM journal ORDER BY seq').all(),
          db.prepare('SELECT * FROM matches ORDER BY seq').all(),
          db.prepare('SELECT * FROM exceptions ORDER BY seq').all(),
        ]),
      )
      .digest('hex');
  } finally {
    db.close();
  }
}

describe('tieout rules, shadow compare and replay', () => {
  it('lists, shows and creates versions', () => {
    ok('demo', ws, '--orders', '300');
    const list = JSON.parse(ok('rules', 'list', ws, '--json')) as Array<{ version: string; state: string; created_at: string; reason: string }>;
    expect(list.map((v) => [v.version, v.state])).toEqual([['default@4', 'active']]);
    const shown = JSON.parse(ok('rules', 'show', ws)) as typeof DEFAULT_RULE_SET;
    expect(shown).toEqual(DEFAULT_RULE_SET);
    // Edit what `show` printed, as a person would, and create it from the file.
    const exact = shown.rules.find((r) => r.id === 'order-payment.exact-key');
    if (exact === undefined) throw new Error('no exact-key rule');
    exact.amount.rounding_minor = 0;
    writeFileSync(join(root, 'rules.json'), JSON.stringify(shown, null, 2));
    expect(JSON.parse(ok('rules', 'create', ws, '--from', join(root, 'rules.json'), '--reason', 'to the cent', '--json'))).toEqual({
      version: 'workspace@1',
      state: 'shadow',
    });
    expect(JSON.parse(ok('rules', 'show', ws, '--version', '1')).rules[0].amount.rounding_minor).toBe(0);
    const bad = tieout('rules', 'create', ws, '--from', join(root, 'rules.json'), '--reason', 'again');
    expect([bad.status, bad.stderr]).toEqual([2, 'these rules and settings are those of workspace@1 already: nothing to create\n']);
    writeFileSync(join(root, 'broken.json'), JSON.stringify({ ...shown, rules: [{ ...exact, window: { before_days: -1, after_days: 3 } }] }));
    const invalid = tieout('rules', 'create', ws, '--from', join(root, 'broken.json'), '--reason', 'x');
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toMatch(/broken\.json: rules\.0\.window\.before_days: /);
  });

  it('compares the shadow version with the live results as JSON {summary, diffs, grading}', () => {
    const report = JSON.parse(ok('shadow', 'compare', ws, '--version', 'workspace@1', '--format', 'json')) as {
      summary: { diffs: number; byCategory: Array<{ category: string; count: number }> };
      diffs: Array<{ eventId: string; category: string; ruleId: string }>;
      grading: { decisions: number; falsePositiveRate: number | null };
    };
    expect(report.summary.diffs).toBe(2);
    expect(report.diffs.map((d) => [d.category, d.ruleId])).toEqual([
      ['newly_unmatched', 'order-payment.exact-key'],
      ['newly_unmatched', 'order-payment.exact-key'],
    ]);
    expect(report.grading).toMatchObject({ decisions: 0, falsePositiveRate: null });
    expect(ok('shadow', 'compare', ws, '--version', '1')).toMatch(/newly unmatched +2 +21\.95 USD/);
  });

  it('replays a version over a past period as a diff only', () => {
    const before = ledgerState();
    const replay = JSON.parse(ok('replay', ws, '--version', 'workspace@1', '--from', '2026-10-01', '--to', '2026-10-31', '--format', 'json')) as {
      against: string;
      events: number;
      diffs: Array<{ category: string }>;
    };
    expect([replay.against, replay.diffs.map((d) => d.category)]).toEqual(['default@4', ['newly_unmatched', 'newly_unmatched']]);
    expect(replay.events).toBeGreaterThan(500);
    // A period without the rounding difference (it is on October 14): nothing differs.
    const quiet = JSON.parse(ok('replay', ws, '--version', '1', '--from', '2026-10-20', '--to', '2026-10-25', '--format', 'json')) as {
      diffs: unknown[];
    };
    expect(quiet.diffs).toEqual([]);
    expect(ledgerState()).toBe(before);
    expect(readdirSync(join(ws, 'shadow')).filter((f) => f.startsWith('replay-'))).toEqual([]);
    const badRange = tieout('replay', ws, '--version', '1', '--from', '2026-10-20', '--to', '2026-10-01');
    expect([badRange.status, badRange.stderr]).toEqual([2, '--to 2026-10-01 is before --from 2026-10-20\n']);
  });

  it('refuses promotion without the window (exit 2), promotes with --override-window, and rolls back', () => {
    const refused = tieout('rules', 'promote', ws, '--version', 'workspace@1', '--reason', 'go');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^promotion of workspace@1 refused: observed 0 of the 14 days of business time the window needs/);
    const before = JSON.parse(ok('export', ws, '--what', 'matches', '--format', 'json')) as unknown;
    expect(ok('rules', 'promote', ws, '--version', 'workspace@1', '--reason', 'the processor settles to the cent', '--override-window')).toMatch(
      /^workspace@1 is active \(default@4 retired\)\nobservation window overridden \(journaled\)/,
    );
    expect((JSON.parse(ok('rules', 'list', ws, '--json')) as Array<{ version: string; state: string }>).map((v) => [v.version, v.state])).toEqual([
      ['workspace@1', 'active'],
      ['default@4', 'retired'],
    ]);
    expect(ok('rules', 'rollback', ws, '--reason', 'too strict')).toMatch(/^rolled back workspace@1: default@4 is in force again\n/);
    expect(JSON.parse(ok('export', ws, '--what', 'matches', '--format', 'json'))).toEqual(before);
    expect(ok('verify', ws)).toMatch(/verify passed/);
    const help = ok('rules', '--help');
    expect(help).toMatch(/tieout rules promote WORKSPACE --version V --reason TEXT \[--override-window\] \[--canary SOURCES\|CODES\]/);
    expect(readFileSync(join(ws, 'workspace.json'), 'utf8')).not.toMatch(/promotion/);
  });
});
