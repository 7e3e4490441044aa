import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { saveSourceMapping, loadSourceMapping, sourceMappingPath } from '../../src/main/import/sourceMappings.ts';
import { createWorkspace } from '../../src/main/workspace/workspace.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { parseCsvMapping, type CsvMapping } from '../../src/shared/import/csvMapping.ts';
import { ApiError } from '../../src/shared/api/contract.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { PROJECT_ROOT } from '../support/cli.ts';

const root = makeTempDir();
const samples = join(PROJECT_ROOT, 'resources/samples');
const sample = (): CsvMapping => {
  const parsed = parseCsvMapping(JSON.parse(readFileSync(join(samples, 'bank-statement-mapping.json'), 'utf8')));
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.mapping;
};

describe('source mappings', () => {
  it('saves a source’s mapping under mappings/, loads it back, and the import reads the saved file', () => {
    const ws = createWorkspace(join(root, 'ws'));
    try {
      expect(loadSourceMapping(ws.dir, 'bank:main')).toBeNull();
      const path = saveSourceMapping(ws.dir, 'bank:main', sample());
      expect(path).toBe(join(ws.dir, 'mappings', 'bank__main.json'));
      expect(sourceMappingPath(ws.dir, 'bank:main')).toBe(path);
      expect(loadSourceMapping(ws.dir, 'bank:main')).toEqual(sample());
      expect(readdirSync(join(ws.dir, 'mappings'))).toEqual(['bank__main.json']);
      const result = importFiles(ws.db, ws.settings, {
        source: 'bank:main',
        files: [join(samples, 'bank-statement-2026-10.csv')],
        format: 'generic-csv',
        mappingPath: path,
        actor: 'user:test',
      });
      expect(result.eventsCreated).toBeGreaterThan(0);
      expect(result.files[0]?.mappingVersion).toMatch(/^generic-csv@\d+:[0-9a-f]{12}$/);
    } finally {
      ws.close();
    }
  });

  it('overwrites the previous mapping of the source and keeps sources apart', () => {
    const dir = join(root, 'two');
    saveSourceMapping(dir, 'bank:main', sample());
    saveSourceMapping(dir, 'bank:main', { ...sample(), currency: 'EUR' });
    saveSourceMapping(dir, 'bank', sample());
    expect(loadSourceMapping(dir, 'bank:main')?.currency).toBe('EUR');
    expect(loadSourceMapping(dir, 'bank')?.currency).toBe('USD');
    expect(readdirSync(join(dir, 'mappings')).sort()).toEqual(['bank.json', 'bank__main.json']);
  });

  it('refuses an invalid mapping naming its field, and writes nothing', () => {
    const dir = join(root, 'bad');
    const broken = { ...sample(), columns: { occurred_at: 'Booking date', description: 'Description' } } as CsvMapping;
    let err: unknown;
    try {
      saveSourceMapping(dir, 'bank:main', broken);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ kind: 'bad_input', field: 'mapping' });
    expect((err as ApiError).message).toContain('columns.amount');
    expect(loadSourceMapping(dir, 'bank:main')).toBeNull();
  });

  it.each(['../evil', 'bank:../../x', 'Bank', '', 'bank:a/b'])('refuses the source %j, so no path leaves mappings/', (source) => {
    expect(() => sourceMappingPath(join(root, 'x'), source)).toThrow(ApiError);
  });

  it('reports a saved file that no longer validates, instead of hiding it', () => {
    const dir = join(root, 'edited');
    const path = saveSourceMapping(dir, 'bank:main', sample());
    writeFileSync(path, '{"version": 1,');
    expect(() => loadSourceMapping(dir, 'bank:main')).toThrow(/bank__main\.json: not valid JSON/);
    writeFileSync(path, JSON.stringify({ ...sample(), ammount: 'x' }));
    expect(() => loadSourceMapping(dir, 'bank:main')).toThrow(/ammount: unknown field/);
  });
});
