// The Rules screen's API methods through the one dispatch every front door uses, on a real demo ledger: a tolerance
// edited from the rules in force saved in shadow (nothing live changes), its comparison and its differences paged and
// filtered, one difference with both sides' explanations, an example tried before saving, a refused promotion, the
// override with a reason, and the rollback to identical results.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { dispatch } from '../../src/main/api/dispatch.ts';
import type { ServiceContext } from '../../src/main/api/handlers.ts';
import { UploadStore } from '../../src/main/import/uploadStore.ts';
import type { MethodName, RequestOf, ResponseOf, ApiErrorBody } from '../../src/shared/api/contract.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { demoWorkspace, projection } from './ruleVersionSupport.ts';

const root = makeTempDir('tieout-rules-api-');

describe('the Rules screen API', () => {
  const ws = demoWorkspace(root, 'api');
  const ctx: ServiceContext = {
    workspace: ws,
    configDir: join(root, 'config'),
    uploads: new UploadStore(join(root, 'uploads')),
    actor: 'user:ana',
    host: 'browser',
  };
  const changed: string[][] = [];

  async function call<M extends MethodName>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>> {
    const r = await dispatch(ctx, method, request, 'c1', (e) => e.type === 'changed' && changed.push(e.what));
    if (!r.ok) throw Object.assign(new Error(r.error.message), { body: r.error });
    return r.result as ResponseOf<M>;
  }
  async function refusal<M extends MethodName>(method: M, request: RequestOf<M>): Promise<ApiErrorBody> {
    const r = await dispatch(ctx, method, request, 'c2', () => undefined);
    if (r.ok) throw new Error(`${method} was not refused`);
    return r.error;
  }

  const before = projection(ws.db);
  let edited: Record<string, unknown>;

  it('lists the versions and gives the rules in force as JSON', async () => {
    const v = await call('rules.versions', {});
    expect([v.inForce, v.active, v.canary, v.rollbackTo]).toEqual(['default@4', 'default@4', null, null]);
    const d = await call('rules.definition', {});
    expect(d.version).toBe('default@4');
    const rules = (d.ruleSet['rules'] as Array<{ id: string; amount: Record<string, number> }>).map((r) =>
      r.id === 'order-payment.exact-key' ? { ...r, amount: { ...r.amount, rounding_minor: 0 } } : r,
    );
    edited = { ...d.ruleSet, name: 'exact to the cent', rules };
  });

  it('refuses an invalid rule set naming the field, and tries an edit on an example before saving', async () => {
    const bad = { ...edited, rules: (edited['rules'] as Array<Record<string, unknown>>).map((r, i) => (i === 0 ? { ...r, priority: 'first' } : r)) };
    const e = await refusal('rules.create', { ruleSet: bad, reason: 'x' });
    expect([e.kind, e.message]).toEqual(['bad_input', expect.stringMatching(/rules\.0\.priority: /)]);
    const rounding = ws.db
      .prepare("SELECT exception_id FROM exceptions WHERE code = 'ROUNDING_DIFF' AND ended_at IS NULL ORDER BY exception_id LIMIT 1")
      .pluck()
      .get() as string;
    const tried = await call('rules.tryExample', { ruleSet: edited, id: rounding });
    expect(tried.live.some((i) => i.label.startsWith('ROUNDING_DIFF'))).toBe(true);
    expect(tried.edited.some((i) => i.label.startsWith('AMOUNT_MISMATCH') && i.explanation !== null)).toBe(true);
    expect(projection(ws.db)).toEqual(before);
  });

  it('saves the edit in shadow, compares it and pages its differences, each with both explanations', async () => {
    const created = await call('rules.create', { ruleSet: edited, reason: 'the processor charges to the cent', basedOn: 'default@4' });
    expect([created.version, created.state, created.laneError]).toEqual(['workspace@1', 'shadow', null]);
    expect(changed.at(-1)).toEqual(['rules']);
    expect(projection(ws.db)).toEqual(before);
    const c = await call('rules.compare', { version: 'workspace@1' });
    expect(c.summary.diffs).toBeGreaterThan(0);
    const top = [...c.summary.byCategory].sort((a, b) => b.count - a.count)[0];
    expect(top?.count).toBeGreaterThan(1);
    const category = top?.category ?? 'newly_matched';
    expect(c.window?.met).toBe(false);
    const all = await call('rules.diffs', { version: 'workspace@1', startRow: 0, endRow: 1000 });
    expect(all.totalRows).toBe(c.summary.diffs);
    const page = await call('rules.diffs', {
      version: 'workspace@1',
      startRow: 0,
      endRow: 2,
      sort: [{ field: 'eventId', dir: 'desc' }],
      filter: { categories: [category] },
    });
    const sorted = all.rows
      .filter((r) => r.category === category)
      .map((r) => r.eventId)
      .sort()
      .reverse();
    expect(page.rows.map((r) => r.eventId)).toEqual(sorted.slice(0, 2));
    // The grid follows the review period (the events' business dates): the demo's differences are in October.
    const october = await call('rules.diffs', {
      version: 'workspace@1',
      startRow: 0,
      endRow: 1000,
      period: { from: '2026-10-01', to: '2026-10-31' },
    });
    const november = await call('rules.diffs', {
      version: 'workspace@1',
      startRow: 0,
      endRow: 1000,
      period: { from: '2026-11-01', to: '2026-11-30' },
    });
    expect(october.totalRows + november.totalRows).toBe(all.totalRows);
    expect(october.rows.every((r) => r.occurredAt.startsWith('2026-10'))).toBe(true);
    // Exported as the grid stands (filter, sort, period): one line per difference, the header first.
    const file = await call('export.grid', {
      grid: 'ruleDiffs',
      format: 'csv',
      version: 'workspace@1',
      period: { from: '2026-10-01', to: '2026-10-31' },
      filter: { categories: [category] },
    });
    const lines = Buffer.from(file.base64, 'base64').toString('utf8').trim().split('\r\n');
    expect([file.fileName, file.rows, lines.length]).toEqual(['tieout-differences-workspace-1-2026-10.csv', page.totalRows, page.totalRows + 1]);
    expect(lines[0]?.replace(/^\uFEFF/, '')).toBe('When,Kind,Source,Amount,Currency,Difference,Rule,Live,This version,At stake,Event id');
    const d = await call('rules.diffDetail', { version: 'workspace@1', eventId: page.rows[0]?.eventId as string });
    expect(d.live.some((i) => i.label.startsWith('ROUNDING_DIFF') && i.explanation?.ruleSetId === 'default')).toBe(true);
    expect(d.version.some((i) => i.label.startsWith('AMOUNT_MISMATCH') && i.explanation?.ruleSetId === 'workspace')).toBe(true);
  });

  it('refuses promotion with what is missing, promotes with an override, rolls back to identical results', async () => {
    const refused = await refusal('rules.promote', { version: 'workspace@1', reason: 'looks right' });
    expect([refused.kind, refused.field, refused.message]).toEqual([
      'bad_input',
      'overrideWindow',
      expect.stringMatching(/14 days of business time/),
    ]);
    const p = await call('rules.promote', { version: 'workspace@1', reason: 'month-end needs it', overrideWindow: true });
    expect([p.version, p.state, p.previous, p.overridden]).toEqual(['workspace@1', 'active', 'default@4', true]);
    expect(projection(ws.db)).not.toEqual(before);
    expect(
      ws.db.prepare("SELECT count(*) FROM journal WHERE entry_type = 'rules.window_overridden' AND reason = 'month-end needs it'").pluck().get(),
    ).toBe(1);
    expect((await call('rules.versions', {})).rollbackTo).toBe('default@4');
    const b = await call('rules.rollback', { reason: 'finance wants the old rounding back' });
    expect([b.version, b.rolledBack]).toEqual(['default@4', 'workspace@1']);
    expect(projection(ws.db)).toEqual(before);
    const v = await call('rules.versions', {});
    expect(v.versions.map((x) => `${x.version} ${x.state}`)).toEqual(['default@4 active', 'workspace@1 retired']);
    expect(v.rollbackTo).toBeNull();
  });
});
