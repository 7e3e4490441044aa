// Fuzzes the camt parser with mutated and truncated fixtures: it may return records, reject entries or throw FormatError, nothing else, and never hang.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { camtParser } from '../../src/main/import/parsers/camt.ts';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';
import { describeWithFixtures, FIXTURES_DIR } from '../support/fixtures.ts';

type Mutation =
  | { op: 'flip'; at: number; ch: string }
  | { op: 'deleteLine'; at: number }
  | { op: 'duplicateLine'; at: number }
  | { op: 'insert'; at: number; junk: string }
  | { op: 'truncate'; at: number };

const CHARS = ['<', '>', '/', '&', '"', "'", '=', ';', '#', ':', '-', '.', ',', '0', '9', 'x', ' ', '\n', '\u0000', '\uFFFF', 'é', '€'];

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), ch: fc.constantFrom(...CHARS) }),
  fc.record({ op: fc.constant('deleteLine' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicateLine' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    junk: fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('<Ntry>', '</Ntry>', '<Amt Ccy="EUR">', '&#x0;', '&amp', '<![CDATA[', '<!--', '<Bal>', '</Stmt>', '<Stmt>'),
    ),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(text: string, m: Mutation): string {
  const at = text.length === 0 ? 0 : m.at % text.length;
  if (m.op === 'flip') return text.slice(0, at) + m.ch + text.slice(at + 1);
  if (m.op === 'insert') return text.slice(0, at) + m.junk + text.slice(at);
  if (m.op === 'truncate') return text.slice(0, at);
  const lines = text.split('\n');
  const i = m.at % lines.length;
  if (m.op === 'deleteLine') lines.splice(i, 1);
  else lines.splice(i, 0, lines[i] ?? '');
  return lines.join('\n');
}

/** Parses fully; returns what ended the parse. */
function outcome(text: string, chunkSize: number): 'ok' | 'format-error' {
  try {
    for (const r of camtParser.parse({ chunks: textChunks(text, chunkSize), fileName: 'fuzz.xml', timeZone: 'Europe/Berlin', locale: 'en' })) {
      if (!r.ok) {
        expect(r.message).not.toBe('');
        expect(r.position.line).toBeGreaterThanOrEqual(1);
      }
    }
    return 'ok';
  } catch (err) {
    if (err instanceof FormatError) {
      expect(err.position.line).toBeGreaterThanOrEqual(1);
      expect(err.position.column).toBeGreaterThanOrEqual(1);
      return 'format-error';
    }
    throw err;
  }
}

function family(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

describeWithFixtures('camt parser fuzz', () => {
  const families: [string, string][] = [
    ['genkgo', join(FIXTURES_DIR, 'bank', 'camt')],
    ['oca', join(FIXTURES_DIR, 'bank', 'camt', 'oca')],
  ];
  for (const [name, dir] of families) {
    it(`${name}: mutated and truncated files give records or FormatError only`, () => {
      const files = family(dir);
      const seen = new Set<string>();
      fc.assert(
        fc.property(
          fc.nat(files.length - 1),
          fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
          fc.integer({ min: 1, max: 4096 }),
          (fileIndex, mutations, chunkSize) => {
            const text = mutations.reduce(mutate, files[fileIndex] ?? '');
            const started = performance.now();
            seen.add(outcome(text, chunkSize));
            camtParser.detect(text.slice(0, 65536));
            expect(performance.now() - started).toBeLessThan(2000);
          },
        ),
        { numRuns: Number(process.env.CAMT_FUZZ_RUNS ?? 300) },
      );
      // Both paths must actually be exercised, otherwise the fuzzer is not reaching the parser.
      expect([...seen].sort()).toEqual(['format-error', 'ok']);
    }, 120_000);
  }
});
