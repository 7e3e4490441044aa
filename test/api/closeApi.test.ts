// The close through the API, as the app calls it (services in their worker thread, the pack on a worker of its own):
// status, a refused and an accepted sign-off, the pack handed over as base64 byte for byte the stored one, reopening.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { ResponseOf } from '../../src/shared/api/contract.ts';
import { ServiceHost, type Envelope } from '../../src/main/api/serviceHost.ts';
import { createDemoWorkspace } from '../../src/main/workflows/demoMonth.ts';
import { makeTempDir } from '../support/tempDir.ts';

const root = makeTempDir('tieout-close-api-');
const demoDir = join(root, 'demo');
let host: ServiceHost;
let month: string;

function result<T>(envelope: Envelope): T {
  if (!envelope.ok) throw new Error(`call failed: ${JSON.stringify(envelope.error)}`);
  return envelope.result as T;
}

beforeAll(async () => {
  createDemoWorkspace(demoDir, { orders: 200, actor: 'user:test' }).workspace.close();
  const db = new Database(join(demoDir, 'ledger.sqlite'), { readonly: true });
  // The generated month: where most of its events are.
  month = db.prepare('SELECT substr(occurred_at, 1, 7) AS m FROM events GROUP BY m ORDER BY count(*) DESC LIMIT 1').pluck().get() as string;
  db.close();
  host = await ServiceHost.start({ configDir: join(root, 'config'), host: 'browser', actor: 'user:alice' });
  result(await host.call('workspace.open', { path: demoDir }, 'open'));
});
afterAll(async () => {
  await host.close();
});

describe('close through the API', () => {
  it('reports the month open with its checklist and rollforward', async () => {
    const s = result<ResponseOf<'close.status'>>(await host.call('close.status', { month }, 's1'));
    expect(s).toMatchObject({ month, state: 'open', pack: null });
    expect(s.checklist.map((c) => c.id)).toEqual(['statements_balanced', 'feeds_delivered', 'class_c_open', 'high_value_open', 'shadow_pending']);
    expect(s.rollforward.processors.length).toBeGreaterThan(0);
    expect(s.blocking).toBeGreaterThan(0);
  });

  it('refuses to close over open class C exceptions as bad input, closes with them carried forward', async () => {
    const refused = await host.call('close.close', { month, by: 'Alice Chen', reason: 'month end' }, 'c1');
    expect(refused).toMatchObject({ ok: false, error: { kind: 'bad_input' } });
    const closed = result<ResponseOf<'close.close'>>(
      await host.call('close.close', { month, by: 'Alice Chen', reason: 'month end', acceptOpen: true }, 'c2'),
    );
    expect(closed.acceptedOpen).toBeGreaterThan(0);
    const pack = result<ResponseOf<'close.pack'>>(await host.call('close.pack', { month }, 'p1'));
    const bytes = Buffer.from(pack.base64, 'base64');
    expect(pack).toMatchObject({ state: 'closed', sha256: closed.pack.sha256, bytes: closed.pack.bytes });
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(closed.pack.sha256);
    const s = result<ResponseOf<'close.status'>>(await host.call('close.status', { month }, 's2'));
    expect(s).toMatchObject({ state: 'closed', signOffs: [{ action: 'closed', by: 'Alice Chen', reason: 'month end' }] });
  });

  it('reopens with a reason', async () => {
    expect(await host.call('close.reopen', { month, by: 'Alice Chen', reason: '' }, 'r0')).toMatchObject({
      ok: false,
      error: { kind: 'invalid_request' },
    });
    result(await host.call('close.reopen', { month, by: 'Alice Chen', reason: 'bank correction' }, 'r1'));
    const s = result<ResponseOf<'close.status'>>(await host.call('close.status', { month }, 's3'));
    expect(s.state).toBe('open');
    expect(s.signOffs.map((x) => x.action)).toEqual(['closed', 'reopened']);
  });
});
