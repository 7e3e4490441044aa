// Tests the streaming CSV reader's option for a space after the delimiter before a quoted field (older PayPal downloads).
import { describe, expect, it } from 'vitest';
import { readCsvRows } from '../../src/main/import/text/csvReader.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';

const fields = (text: string, skipSpaceBeforeQuote: boolean, chunk = 65536): string[][] =>
  [...readCsvRows(textChunks(text, chunk), { delimiter: ',', skipSpaceBeforeQuote })].map((r) => r.fields);

describe('readCsvRows skipSpaceBeforeQuote', () => {
  const text = 'Date, Name, Amount,\r\n12/01/2008, "Smith, John", "1,125.00",\r\n12/02/2008,  plain , -1.00,\r\n';

  it('reads a quoted field after spaces as one field, at any chunk size', () => {
    const expected = [
      ['Date', ' Name', ' Amount', ''],
      ['12/01/2008', 'Smith, John', '1,125.00', ''],
      ['12/02/2008', '  plain ', ' -1.00', ''],
    ];
    for (const chunk of [1, 2, 5, 65536]) expect(fields(text, true, chunk)).toEqual(expected);
  });

  it('keeps RFC 4180 behaviour when off: the quote after a space is text', () => {
    expect(fields(text, false)[1]).toEqual(['12/01/2008', ' "Smith', ' John"', ' "1', '125.00"', '']);
  });
});
