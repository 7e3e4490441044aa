import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { mkdirSync, readFileSync } from 'node:fs';
import type { ApiEvent, ExceptionRow, WorkspaceInfo } from '../../src/shared/api/contract.ts';
import { ServiceHost, type Envelope } from '../../src/main/api/serviceHost.ts';
import { createDemoWorkspace } from '../../src/main/workflows/demoMonth.ts';
import { writeSyntheticStripeCsv } from '../../src/main/synthetic/stripeBalanceCsvWriter.ts';
import { writeBankCsv } from '../../src/main/synthetic/bankCsvWriter.ts';
import { writeCamt053, type CamtWriterStatement } from '../../src/main/synthetic/camtWriter.ts';
import { makeTempDir } from '../support/tempDir.ts';

const root = makeTempDir('tieout-api-');

function result<T>(envelope: Envelope): T {
  if (!envelope.ok) throw new Error(`call failed: ${JSON.stringify(envelope.error)}`);
  return envelope.result as T;
}

describe('ServiceHost (services in a worker thread)', () => {
  let host: ServiceHost;
  const events: ApiEvent[] = [];
  const demoDir = join(root, 'demo');

  beforeAll(async () => {
    createDemoWorkspace(demoDir, { orders: 200, actor: 'user:test' }).workspace.close();
    host = await ServiceHost.start({ configDir: join(root, 'config'), host: 'electron', actor: 'user:alice' });
    host.onEvent((e) => events.push(e));
  });
  afterAll(async () => {
    await host.close();
  });

  it('starts with no workspace: reads work, workspace methods answer no_workspace', async () => {
    expect(result(await host.call('app.info', {}, 'c1'))).toEqual({ name: 'Tieout', version: '0.1.0', host: 'electron' });
    expect(result(await host.call('workspace.current', {}, 'c2'))).toBeNull();
    const dashboard = await host.call('dashboard.get', {}, 'c3');
    expect(dashboard).toMatchObject({ ok: false, error: { kind: 'no_workspace' } });
  });

  it('refuses an unknown method and a request that breaks the contract, naming the field', async () => {
    expect(await host.call('ledger.drop', {}, 'c4')).toEqual({
      ok: false,
      error: { kind: 'invalid_request', message: 'unknown method "ledger.drop"', field: 'method' },
    });
    const bad = await host.call('exceptions.resolve', { exceptionIds: ['x'], category: 'timing', reason: '   ' }, 'c5');
    expect(bad).toMatchObject({ ok: false, error: { kind: 'invalid_request', field: 'reason' } });
    if (!bad.ok) expect(bad.error.message).toContain('A reason is required');
  });

  it('opens the demo workspace, remembers it, and runs decisions as the host actor', async () => {
    const info = result<WorkspaceInfo>(await host.call('workspace.open', { path: demoDir }, 'open-1'));
    expect(info).toMatchObject({ path: demoDir, name: 'Demo month (Ridge Outfitters)', reportingCurrency: 'USD', timeZone: 'America/New_York' });
    expect(info.eventCount).toBeGreaterThan(400);
    expect(events).toContainEqual({ type: 'changed', what: ['workspace'] });
    const recent = result<{ workspaces: Array<{ path: string }> }>(await host.call('workspace.recent', {}, 'r'));
    expect(recent.workspaces.map((w) => w.path)).toEqual([demoDir]);

    const page = result<{ rows: ExceptionRow[]; totalRows: number }>(
      await host.call('exceptions.query', { startRow: 0, endRow: 50, filter: { states: ['open'] } }, 'q'),
    );
    expect(page.totalRows).toBeGreaterThan(0);
    const target = page.rows[0] as ExceptionRow;
    events.length = 0;
    expect(
      result(await host.call('exceptions.resolve', { exceptionIds: [target.exceptionId], category: 'timing', reason: 'paid by cheque' }, 'res')),
    ).toEqual({
      resolved: 1,
    });
    expect(events).toEqual([{ type: 'changed', what: ['exceptions'] }]);
    const detail = result<{
      exception: { state: string; resolvedBy: string | null; resolution: unknown };
      history: Array<{ type: string; reason: string }>;
    }>(await host.call('exceptions.detail', { exceptionId: target.exceptionId }, 'd'));
    // The category is journaled with the reason, in the decision's own entry.
    expect(detail.exception).toMatchObject({
      state: 'resolved',
      resolvedBy: 'user:alice',
      resolution: { category: 'timing', account: null, reason: 'paid by cheque', text: 'Timing difference: paid by cheque' },
    });
    expect(detail.history.filter((h) => h.type === 'exception.resolved').map((h) => h.reason)).toEqual(['Timing difference: paid by cheque']);

    // The service refuses a second resolve: its message reaches the caller as bad_input, and nothing changed.
    events.length = 0;
    const again = await host.call('exceptions.resolve', { exceptionIds: [target.exceptionId], category: 'duplicate', reason: 'twice' }, 'res2');
    expect(again).toMatchObject({ ok: false, error: { kind: 'bad_input', field: null } });
    if (!again.ok) expect(again.error.message).toContain('already resolved');
    expect(events).toEqual([]);
  });

  it('requires the account an accepted difference is written off to, and journals it', async () => {
    const page = result<{ rows: ExceptionRow[] }>(
      await host.call('exceptions.query', { startRow: 0, endRow: 5, filter: { states: ['open'] } }, 'q2'),
    );
    const target = page.rows[0] as ExceptionRow;
    const missing = await host.call(
      'exceptions.resolve',
      { exceptionIds: [target.exceptionId], category: 'accepted_difference', reason: 'FX' },
      'wo1',
    );
    expect(missing).toMatchObject({ ok: false, error: { kind: 'invalid_request', field: 'writeOffAccount' } });
    result(
      await host.call(
        'exceptions.resolve',
        { exceptionIds: [target.exceptionId], category: 'accepted_difference', writeOffAccount: '6990 Bank charges', reason: 'FX' },
        'wo2',
      ),
    );
    const detail = result<{ exception: { resolution: unknown } }>(await host.call('exceptions.detail', { exceptionId: target.exceptionId }, 'wo3'));
    expect(detail.exception.resolution).toEqual({
      category: 'accepted_difference',
      account: '6990 Bank charges',
      reason: 'FX',
      text: 'Accepted difference (written off to 6990 Bank charges): FX',
    });
  });

  it('writes a grid view as XLSX in the worker (an awaited handler) and answers other calls after it, in order', async () => {
    const [file, info] = await Promise.all([
      host.call('export.grid', { grid: 'exceptions', format: 'xlsx', period: { from: '2026-10-01', to: '2026-10-31' } }, 'x1'),
      host.call('app.info', {}, 'x2'),
    ]);
    const exported = result<{ fileName: string; mediaType: string; rows: number; base64: string }>(file);
    expect(exported).toMatchObject({ fileName: 'tieout-exceptions-2026-10.xlsx', mediaType: expect.stringContaining('spreadsheetml') });
    expect(exported.rows).toBeGreaterThan(0);
    // An XLSX is a ZIP: it starts with a local file header.
    expect(Buffer.from(exported.base64, 'base64').subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(result(info)).toMatchObject({ name: 'Tieout' });
  });

  it('refuses a statement that does not balance, naming the field that imports it anyway, then imports it with the difference journaled', async () => {
    const statement: CamtWriterStatement = {
      id: 'S-UNBAL',
      account: 'DE89370400440532013000',
      currency: 'EUR',
      openingMinor: 100_000,
      closingMinor: 100_000 + 70_911 + 5,
      entries: [{ amountMinor: 70_911, bookingDate: '2026-10-06', reference: 'U-1', remittance: 'STRIPE PAYOUT po_unbal' }],
    };
    const bytes = new TextEncoder().encode(writeCamt053([statement]));
    const stage = async () =>
      result<{ uploadId: string }>(await host.call('imports.upload', { fileName: 'unbalanced.xml', bytes: bytes.slice() }, 'u'));
    const first = await stage();
    const refused = await host.call('imports.commit', { uploadIds: [first.uploadId], source: 'bank:de' }, 'c-unbal');
    expect(refused).toMatchObject({ ok: false, error: { kind: 'bad_input', field: 'acceptUnbalanced' } });
    if (!refused.ok) {
      expect(refused.error.message).toBe(
        'unbalanced.xml: statement S-UNBAL (account DE89370400440532013000) does not balance: opening 1,000.00 EUR plus 1 entry (709.11 EUR) makes ' +
          "1,709.11 EUR, but the statement's closing balance is 1,709.16 EUR, a difference of 0.05 EUR. Nothing was imported. Import it anyway to " +
          'record the statement with the difference in the journal.',
      );
    }
    const imported = result<{ eventsCreated: number }>(
      await host.call('imports.commit', { uploadIds: [first.uploadId], source: 'bank:de', acceptUnbalanced: true }, 'c-unbal-2'),
    );
    expect(imported.eventsCreated).toBe(1);
  });

  it('reports progress of a full reconcile under the call id', async () => {
    events.length = 0;
    const run = result<{ matchesCreated: number }>(await host.call('reconcile.run', {}, 'run-7'));
    expect(run.matchesCreated).toBe(0);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress) expect(p).toMatchObject({ callId: 'run-7', method: 'reconcile.run' });
    expect(progress.map((p) => p.label)).toContain('Loading events');
  });

  it('moves upload bytes to the worker (the caller buffer is transferred) and stages them', async () => {
    const bytes = new TextEncoder().encode('a,b\n1,2\n');
    const upload = result<{ uploadId: string; byteLength: number }>(await host.call('imports.upload', { fileName: 'tiny.csv', bytes }, 'up'));
    expect(upload).toMatchObject({ fileName: 'tiny.csv', byteLength: 8 });
    expect(bytes.byteLength).toBe(0);
  });

  it('imports a bank CSV through a bank preset chosen as the format (preset:NAME)', async () => {
    const text = writeBankCsv('chase-checking', [{ date: '2025-03-01', amountMinor: 98_765, description: 'STRIPE TRANSFER po_preset' }], {
      currency: 'USD',
      openingMinor: 0,
    });
    const staged = result<{ uploadId: string }>(
      await host.call('imports.upload', { fileName: 'chase.csv', bytes: new TextEncoder().encode(text) }, 'up2'),
    );
    const previewed = result<{ format: string; events: { amountMinor: number }[] }>(
      await host.call('imports.preview', { uploadId: staged.uploadId, format: 'preset:chase-checking' }, 'pv'),
    );
    expect(previewed).toMatchObject({ format: 'generic-csv', events: [{ amountMinor: 98_765 }] });
    const outcome = result<{ files: { format: string; eventsCreated: number }[] }>(
      await host.call('imports.commit', { uploadIds: [staged.uploadId], source: 'bank:chase', format: 'preset:chase-checking' }, 'commit2'),
    );
    expect(outcome.files).toEqual([expect.objectContaining({ format: 'generic-csv', eventsCreated: 1 })]);
  });

  it('fails start() when the workspace asked for cannot be opened', async () => {
    const notAWorkspace = join(root, 'empty');
    mkdirSync(notAWorkspace);
    await expect(ServiceHost.start({ configDir: join(root, 'config2'), workspacePath: notAWorkspace, host: 'browser' })).rejects.toMatchObject({
      kind: 'bad_input',
      message: expect.stringContaining('is not a Tieout workspace'),
    });
  });
});

describe('ServiceHost crash recovery', () => {
  it('fails the pending call when the worker dies, then restarts it on the next call with the workspace reopened', async () => {
    const dir = join(root, 'crash');
    const big = join(root, 'big-stripe.csv');
    writeSyntheticStripeCsv(big, 40_000);
    // A real heap cap the worker really exceeds: importing and reconciling 40,000 rows needs far more than 32 MB, while
    // starting and opening a workspace stay well under it (the worker loads exceljs, pdfkit and the like only when used).
    const host = await ServiceHost.start({
      configDir: join(root, 'config3'),
      host: 'browser',
      actor: 'user:test',
      resourceLimits: { maxOldGenerationSizeMb: 32 },
    });
    try {
      result(await host.call('workspace.create', { path: dir, reportingCurrency: 'USD', timeZone: 'UTC', locale: 'en-US' }, 'create'));
      const staged = result<{ uploadId: string }>(await host.call('imports.upload', { fileName: 'big.csv', bytes: readFileSync(big) }, 'big'));
      const commit = await host.call('imports.commit', { uploadIds: [staged.uploadId], source: 'stripe:big' }, 'commit');
      expect(commit).toMatchObject({ ok: false, error: { kind: 'internal' } });
      if (!commit.ok) expect(commit.error.message).toMatch(/memory limit.*They restart with the next call/);

      const current = result<WorkspaceInfo | null>(await host.call('workspace.current', {}, 'after'));
      expect(current?.path).toBe(dir);
      // The new worker is a fresh process state: what the dead one staged is gone and says so.
      const preview = await host.call('imports.preview', { uploadId: staged.uploadId }, 'stale');
      expect(preview).toMatchObject({ ok: false, error: { kind: 'not_found', field: 'uploadId' } });
    } finally {
      await host.close();
    }
  });
});
