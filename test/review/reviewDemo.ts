// The demo month every review test file builds once: ~200 Shopify orders, Stripe balance, camt.053 bank, reconciled.
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createDemoWorkspace, type DemoResult } from '../../src/main/workflows/demoMonth.ts';
import type { LedgerDb } from '../../src/main/ledger/database.ts';
import { makeTempDir } from '../support/tempDir.ts';

export const DEMO_ACTOR = 'user:test';

/** Builds the demo in a temp folder before the file's tests and closes it after; read `.current` inside tests. */
export function useDemo(prefix: string): { current: DemoResult; root: string } {
  const root = makeTempDir(prefix);
  const holder = { current: undefined as unknown as DemoResult, root };
  beforeAll(() => {
    holder.current = createDemoWorkspace(join(root, 'demo'), { orders: 200, actor: DEMO_ACTOR });
  });
  afterAll(() => holder.current?.workspace.close());
  return holder;
}

export function ids(db: LedgerDb, sql: string, ...params: unknown[]): string[] {
  return db
    .prepare(sql)
    .pluck()
    .all(...params) as string[];
}

export function count(db: LedgerDb, sql: string, ...params: unknown[]): number {
  return db
    .prepare(sql)
    .pluck()
    .get(...params) as number;
}
