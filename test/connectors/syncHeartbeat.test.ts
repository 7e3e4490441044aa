import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { makeTempDir } from '../support/tempDir.ts';
import { writeMonthFiles } from '../../src/main/synthetic/monthFiles.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { beginSyncRun, endSyncRun } from '../../src/main/connectors/connectorStore.ts';
import { connectedWorkspace } from './support/connectorWorkspace.ts';
import type { LedgerDb } from '../../src/main/ledger/database.ts';

const openFeedMissing = (db: LedgerDb): string[] =>
  db.prepare("SELECT exception_id FROM exceptions WHERE code = 'FEED_MISSING' AND ended_at IS NULL").pluck().all() as string[];

describe('a connected source keeps its heartbeat through its syncs', () => {
  it('a quiet Stripe account whose sync succeeds is not FEED_MISSING; a failed sync is no heartbeat', async () => {
    {
      const dir = makeTempDir('tieout-sync-heartbeat-');
      const files = writeMonthFiles(join(dir, 'month'), { orders: 80, seed: 4 });
      const ws = await connectedWorkspace(join(dir, 'books'), { source: 'stripe:main', baseUrl: 'https://api.stripe.com' }, { api_key: 'sk_test_x' });
      // connect declared stripe:main's cadence (1 h, grace 1 h); the bank statement runs days past Stripe's last item.
      expect(ws.settings.feeds?.['stripe:main']).toEqual({ expected_every_hours: 1, grace_hours: 1 });
      importFiles(ws.db, ws.settings, { source: 'stripe:main', files: [files.stripeCsv], actor: 'user:test' });
      importFiles(ws.db, ws.settings, { source: 'bank:main', files: [files.camtPath], actor: 'user:test' });
      reconcile(ws.db, ws.settings, { mode: 'full', actor: 'system:engine' });
      expect(openFeedMissing(ws.db)).toHaveLength(1);

      // A failed sync is no heartbeat.
      const failedAt = new Date().toISOString();
      beginSyncRun(ws.db, { syncId: 'sy_failed', source: 'stripe:main', trigger: 'test', at: failedAt });
      endSyncRun(ws.db, 'sy_failed', { state: 'failed', at: failedAt, error: 'HTTP 401' });
      reconcile(ws.db, ws.settings, { mode: 'full', actor: 'system:engine' });
      expect(openFeedMissing(ws.db)).toHaveLength(1);

      // A sync that completed after the ledger's latest event: the source is live, the exception ends.
      const at = new Date().toISOString();
      beginSyncRun(ws.db, { syncId: 'sy_ok', source: 'stripe:main', trigger: 'test', at });
      endSyncRun(ws.db, 'sy_ok', { state: 'ok', at, error: null });
      reconcile(ws.db, ws.settings, { mode: 'full', actor: 'system:engine' });
      expect(openFeedMissing(ws.db)).toEqual([]);
      const ended = ws.db
        .prepare("SELECT payload FROM journal WHERE entry_type LIKE 'exception.%' AND payload LIKE '%within its declared cadence%'")
        .pluck()
        .all();
      expect(ended).toHaveLength(1);

      ws.close();
    }
  });
});
