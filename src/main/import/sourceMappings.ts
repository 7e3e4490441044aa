// The generic-CSV mapping each source was last imported with, saved in the workspace so the next import of
// that source starts from it. The saved file is what the import reads (--mapping FILE): its sha256 is the
// mapping version its events record.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApiError } from '../../shared/api/contract.ts';
import { SourceIdSchema } from '../../shared/events/canonicalEvent.ts';
import { parseCsvMapping, type CsvMapping } from '../../shared/import/csvMapping.ts';
import { writeFileAtomic } from '../workspace/atomicFile.ts';

export const MAPPINGS_DIR = 'mappings';

/** WORKSPACE/mappings/<source, ':' written as '__'>.json; the source id's characters keep it inside that folder. */
export function sourceMappingPath(workspaceDir: string, source: string): string {
  const parsed = SourceIdSchema.safeParse(source);
  if (!parsed.success) {
    throw new ApiError({ kind: 'bad_input', message: `source "${source}": ${parsed.error.issues[0]?.message ?? 'invalid'}`, field: 'source' });
  }
  return join(workspaceDir, MAPPINGS_DIR, `${source.replace(/:/g, '__')}.json`);
}

/** Validates the mapping and saves it (atomically) as the source's mapping; returns the file's path. */
export function saveSourceMapping(workspaceDir: string, source: string, mapping: CsvMapping): string {
  const path = sourceMappingPath(workspaceDir, source);
  const parsed = parseCsvMapping(mapping);
  if (!parsed.ok) throw new ApiError({ kind: 'bad_input', message: `mapping: ${parsed.errors.join('; ')}`, field: 'mapping' });
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, `${JSON.stringify(parsed.mapping, null, 2)}\n`);
  return path;
}

/** The source's saved mapping, or null when it has none. A saved file that no longer validates is reported, not hidden. */
export function loadSourceMapping(workspaceDir: string, source: string): CsvMapping | null {
  const path = sourceMappingPath(workspaceDir, source);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ApiError({ kind: 'bad_input', message: `${path}: not valid JSON (${(err as Error).message})`, field: null });
  }
  const parsed = parseCsvMapping(json);
  if (!parsed.ok) throw new ApiError({ kind: 'bad_input', message: `${path}: ${parsed.errors.join('; ')}`, field: null });
  return parsed.mapping;
}
