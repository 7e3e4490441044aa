// Fuzzes the MT940 parser with mutated and truncated fixtures: it must yield records or throw FormatError, quickly, never anything else.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { mt940Parser } from '../../src/main/import/parsers/mt940.ts';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';
import { describeWithFixtures, FIXTURES_DIR } from '../support/fixtures.ts';

const DIR = join(FIXTURES_DIR, 'bank/mt940');

/** Parses to the end; returns how it ended. Any exception but FormatError fails the test. */
function parseAll(text: string): 'ok' | 'format-error' {
  const started = performance.now();
  try {
    let n = 0;
    for (const r of mt940Parser.parse({ chunks: textChunks(text, 13), fileName: 'fuzz.sta', timeZone: 'Europe/Warsaw', locale: 'pl' })) {
      if (r.ok) expect(Array.isArray(r.events)).toBe(true);
      else expect(r.position.line).toBeGreaterThan(0);
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(0);
    return 'ok';
  } catch (err) {
    if (err instanceof FormatError) {
      expect(err.position.line).toBeGreaterThan(0);
      return 'format-error';
    }
    throw err;
  } finally {
    expect(performance.now() - started).toBeLessThan(2000);
  }
}

type Mutation =
  | { kind: 'flip'; at: number; char: string }
  | { kind: 'delete-line'; at: number }
  | { kind: 'duplicate-line'; at: number }
  | { kind: 'insert'; at: number; junk: string }
  | { kind: 'truncate'; at: number };

const JUNK = [
  ':61:',
  ':86:',
  ':20:',
  ':60F:',
  ':62F:',
  '?20',
  '//',
  '-',
  '-}',
  '{1:',
  '{4:',
  '\r',
  '\n',
  '\u0000',
  '\u0001',
  ',',
  'RC',
  'RD',
  '\uFFFD',
  ':',
];

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    char: fc.oneof(
      fc.constantFrom(...JUNK),
      fc.string({ maxLength: 1 }),
      fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
    ),
  }),
  fc.record({ kind: fc.constant('delete-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), junk: fc.oneof(fc.constantFrom(...JUNK), fc.string({ maxLength: 30 })) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(text: string, m: Mutation): string {
  if (text.length === 0) return text;
  const at = m.at % text.length;
  switch (m.kind) {
    case 'flip':
      return text.slice(0, at) + m.char + text.slice(at + 1);
    case 'insert':
      return text.slice(0, at) + m.junk + text.slice(at);
    case 'truncate':
      return text.slice(0, at);
    case 'delete-line':
    case 'duplicate-line': {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      if (m.kind === 'delete-line') lines.splice(i, 1);
      else lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
  }
}

describeWithFixtures('mt940 fuzz', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.sta') || f.endsWith('.txt'));
  const families = [...new Set(files.map((f) => f.split('_')[0] ?? f))];

  for (const family of families) {
    it(`survives mutated and truncated ${family} fixtures`, () => {
      const texts = files.filter((f) => f.startsWith(`${family}_`)).map((f) => new TextDecoder('utf-8').decode(readFileSync(join(DIR, f))));
      fc.assert(
        fc.property(fc.nat({ max: texts.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 6 }), (which, mutations) => {
          const text = mutations.reduce(mutate, texts[which] ?? '');
          parseAll(text);
        }),
        { numRuns: 300 },
      );
    }, 60_000);
  }

  it('every truncation of a multi-statement fixture is records or a FormatError', () => {
    const text = new TextDecoder('utf-8').decode(readFileSync(join(DIR, 'cmxl_mt940.sta')));
    for (let at = 0; at <= text.length; at += 3) parseAll(text.slice(0, at));
  });
});
