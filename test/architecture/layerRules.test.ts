import { describe, it, expect } from 'vitest';
import { ESLint } from 'eslint';
import { PROJECT_ROOT } from '../support/cli.ts';

const eslint = new ESLint({ cwd: PROJECT_ROOT });

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals' || m.ruleId === 'no-restricted-properties')
    .map((m) => m.message);
}

describe('layer boundaries (docs/architecture.md) fail lint when crossed', () => {
  it('src/shared may not import Node, Electron, services or use DOM/Node globals', async () => {
    expect(await importErrors('src/shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n")).toHaveLength(1);
    expect(await importErrors('src/shared/x.ts', "import fs from 'fs';\nexport const a = fs;\n")).toHaveLength(1);
    expect(await importErrors('src/shared/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(
      await importErrors('src/shared/x.ts', "import { openLedger } from '../main/ledger/database.ts';\nexport const a = openLedger;\n"),
    ).toHaveLength(1);
    expect(await importErrors('src/shared/x.ts', 'export const a = document.title;\n')).toHaveLength(1);
    expect(await importErrors('src/shared/x.ts', "import { z } from 'zod';\nexport const a = z;\n")).toHaveLength(0);
  });

  it('services may not import electron; the shell may', async () => {
    expect(await importErrors('src/main/ledger/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await importErrors('src/main/import/x.ts', "import { ipcMain } from 'electron/main';\nexport const a = ipcMain;\n")).toHaveLength(1);
    expect(await importErrors('src/main/shell/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(0);
  });

  it('matching rules are pure domain: no ledger, engine, Node or SQLite', async () => {
    const f = 'src/main/matching/rules/strategies/x.ts';
    expect(await importErrors(f, "import { sha256Hex } from '../../../ledger/canonicalJson.ts';\nexport const a = sha256Hex;\n")).toHaveLength(1);
    expect(await importErrors(f, "import { LedgerTexts } from '../../engine/eventKeys.ts';\nexport const a = LedgerTexts;\n")).toHaveLength(1);
    expect(await importErrors(f, "import { createHash } from 'node:crypto';\nexport const a = createHash;\n")).toHaveLength(1);
    expect(await importErrors(f, "import Database from 'better-sqlite3';\nexport const a = Database;\n")).toHaveLength(1);
    expect(await importErrors(f, 'export const a = process.env;\n')).toHaveLength(1);
    expect(
      await importErrors(
        f,
        "import { usedIn } from '../model.ts';\nimport { DAY_MS } from '../../../../shared/time/duration.ts';\nexport const a = [usedIn, DAY_MS];\n",
      ),
    ).toHaveLength(0);
    expect(
      await importErrors(
        'src/main/matching/engine/x.ts',
        "import { sha256Hex } from '../../ledger/canonicalJson.ts';\nexport const a = sha256Hex;\n",
      ),
    ).toHaveLength(0);
  });

  it('outside src/main/matching the engine is reached through its public modules', async () => {
    expect(
      await importErrors(
        'src/main/review/x.ts',
        "import { KeyDictionary } from '../matching/engine/eventKeys.ts';\nexport const a = KeyDictionary;\n",
      ),
    ).toHaveLength(1);
    expect(
      await importErrors(
        'src/main/review/x.ts',
        "import { CandidateEventReader } from '../matching/engine/candidateEvents.ts';\nexport const a = CandidateEventReader;\n",
      ),
    ).toHaveLength(0);
    expect(
      await importErrors('src/main/close/x.ts', "import { readFeeds } from '../matching/engine/feedProgress.ts';\nexport const a = readFeeds;\n"),
    ).toHaveLength(0);
  });

  it('the renderer imports only src/shared and itself', async () => {
    expect(
      await importErrors('src/renderer/src/x.ts', "import { openLedger } from '../../main/ledger/database.ts';\nexport const a = openLedger;\n"),
    ).toHaveLength(1);
    expect(await importErrors('src/renderer/src/x.ts', "import { join } from 'node:path';\nexport const a = join;\n")).toHaveLength(1);
    expect(await importErrors('src/renderer/src/x.ts', "import Database from 'better-sqlite3';\nexport const a = Database;\n")).toHaveLength(1);
    expect(
      await importErrors('src/renderer/src/x.ts', "import { money } from '../../shared/money/money.ts';\nexport const a = money;\n"),
    ).toHaveLength(0);
  });

  it('the renderer reaches the backend only through its API client', async () => {
    expect(await importErrors('src/renderer/src/store/x.ts', "export const a = fetch('/api/call');\n")).toHaveLength(1);
    expect(await importErrors('src/renderer/src/screens/x.tsx', "export const a = new EventSource('/api/events');\n")).toHaveLength(1);
    expect(await importErrors('src/renderer/src/screens/x.tsx', 'export const a = window.tieoutBridge;\n')).toHaveLength(1);
    expect(await importErrors('src/renderer/src/api/apiClient.ts', "export const a = fetch('/api/call');\n")).toHaveLength(0);
  });
});
