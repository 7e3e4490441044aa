// normalizeRef's short cut for refs that need nothing done must give what the full normalization gives.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { normalizeRef } from '../../src/shared/events/canonicalEvent.ts';

/** The rule as documented, without the short cut. */
function reference(value: string): string | null {
  const trimmed = value.trim().replace(/\s+/g, ' ').replace(/^#\s*/, '');
  return trimmed === '' ? null : trimmed;
}

describe('normalizeRef', () => {
  it('agrees with the documented rule on any text, plain ids and whitespace-laden ones alike', () => {
    const pieces = fc.constantFrom('#', ' ', '\t', '\n', '\u00a0', '\u2003', '\ufeff', 'a', 'B', '1', '_', '-', 'é');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(pieces, { maxLength: 12 }).map((a) => a.join('')),
        ),
        (text) => {
          expect(normalizeRef(text)).toBe(reference(text));
        },
      ),
      { numRuns: 5000 },
    );
  });
  it('keeps plain ids as they are and drops a leading #', () => {
    expect(normalizeRef('pi_3cTomJN0000000004')).toBe('pi_3cTomJN0000000004');
    expect(normalizeRef('#1001')).toBe('1001');
    expect(normalizeRef('')).toBeNull();
    expect(normalizeRef(null)).toBeNull();
  });
});
