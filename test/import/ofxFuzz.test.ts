// Fuzzes the OFX parser with mutated and truncated fixtures: records, rejections or FormatError — never another exception, never a hang.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ofxParser } from '../../src/main/import/parsers/ofx.ts';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import type { RecordResult } from '../../src/main/import/parserTypes.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';
import { EventDraftSchema } from '../../src/shared/events/canonicalEvent.ts';
import { FIXTURES_DIR, describeWithFixtures } from '../support/fixtures.ts';

const OFX_DIR = join(FIXTURES_DIR, 'bank', 'ofx');
const RUNS = 300;
const MAX_MS_PER_RUN = 2000;

// Snippets that stress the structure rather than the characters: stray, unclosed and duplicated markup.
const OFX_JUNK = [
  '<',
  '>',
  '</',
  '<STMTTRN>',
  '</STMTTRN>',
  '<STMTRS>',
  '</STMTRS>',
  '<CCSTMTRS>',
  '<OFX>',
  '</OFX>',
  '<TRNAMT>',
  '<TRNAMT>1e9',
  '<TRNAMT>99999999999999999999',
  '<DTPOSTED>99999999',
  '<BALAMT>',
  '<LEDGERBAL>',
  '<CURDEF>XYZ',
  '<CURRENCY><CURSYM>EUR',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<?',
  '?>',
  '&amp;',
  '&#0;',
  '&#x110000;',
  '<STATUS><SEVERITY>ERROR</STATUS>',
  '<BANKACCTFROM>',
  '<ACCTID>',
  '\r',
  '\n',
  '\u0000',
  '\uFFFD',
  '<INVSTMTRS>',
  '<FITID>' + 'x'.repeat(300),
  '<PAYEE><NAME>',
];

type Mutation =
  | { op: 'flip'; at: number; char: number }
  | { op: 'deleteLine'; at: number }
  | { op: 'duplicateLine'; at: number }
  | { op: 'insert'; at: number; junk: string }
  | { op: 'truncate'; at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), char: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('deleteLine' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicateLine' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    junk: fc.oneof(fc.constantFrom(...OFX_JUNK), fc.string({ maxLength: 16 }), fc.string({ unit: 'binary', maxLength: 8 })),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(text: string, m: Mutation): string {
  if (text.length === 0) return text;
  const at = m.at % (text.length + 1);
  switch (m.op) {
    case 'flip':
      return text.slice(0, at) + String.fromCharCode(m.char) + text.slice(at + 1);
    case 'insert':
      return text.slice(0, at) + m.junk + text.slice(at);
    case 'truncate':
      return text.slice(0, at);
    case 'deleteLine':
    case 'duplicateLine': {
      const lines = text.split('\n');
      const k = m.at % lines.length;
      const line = lines[k] ?? '';
      lines.splice(k, 1, ...(m.op === 'deleteLine' ? [] : [line, line]));
      return lines.join('\n');
    }
  }
}

/** Parses; returns the records, or the FormatError; rethrows anything else (the property fails). */
function outcome(text: string, chunkSize: number): RecordResult[] | FormatError {
  try {
    return [...ofxParser.parse({ chunks: textChunks(text, chunkSize), fileName: 'fuzz.ofx', timeZone: 'UTC', locale: 'en' })];
  } catch (err) {
    if (err instanceof FormatError) return err;
    throw err;
  }
}

function checkWellFormed(result: RecordResult[] | FormatError): void {
  if (result instanceof FormatError) {
    expect(result.position.line).toBeGreaterThanOrEqual(1);
    expect(result.message).not.toBe('');
    return;
  }
  for (const r of result) {
    if (!r.ok) {
      expect(r.message).not.toBe('');
      expect(r.position.line).toBeGreaterThanOrEqual(1);
      continue;
    }
    // Every accepted entry must be an event the ledger accepts.
    for (const ev of r.events) EventDraftSchema.parse(ev);
    if (r.statement !== undefined) expect(Number.isSafeInteger(r.statement.entriesSumMinor)).toBe(true);
  }
}

function fixtureNames(): string[] {
  const top = readdirSync(OFX_DIR).filter((f) => f.endsWith('.ofx'));
  const broken = readdirSync(join(OFX_DIR, 'fail_nice')).map((f) => `fail_nice/${f}`);
  return [...top, ...broken];
}

describeWithFixtures('OFX parser under mutation', () => {
  for (const name of fixtureNames()) {
    it(`survives ${RUNS} mutated and truncated versions of ${name}`, () => {
      const original = readFileSync(join(OFX_DIR, name), 'latin1');
      fc.assert(
        fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 512 }), (mutations, chunkSize) => {
          const text = mutations.reduce(mutate, original);
          const started = performance.now();
          const result = outcome(text, chunkSize);
          expect(performance.now() - started).toBeLessThan(MAX_MS_PER_RUN);
          checkWellFormed(result);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('survives every prefix of a fixture (truncation at each character)', () => {
    const original = readFileSync(join(OFX_DIR, 'bank_medium.ofx'), 'latin1');
    for (let n = 0; n <= original.length; n++) checkWellFormed(outcome(original.slice(0, n), 64));
  });
});
