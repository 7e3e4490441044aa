// Tests the streaming XML tokenizer: events, positions, entities, chunk independence and malformed-XML errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import { declaredXmlEncoding, readXmlEvents, SubtreeBuilder, text } from '../../src/main/import/text/xmlStream.ts';
import type { XmlEvent, XmlNode } from '../../src/main/import/text/xmlStream.ts';

function events(xml: string | string[]): XmlEvent[] {
  return [...readXmlEvents(typeof xml === 'string' ? [xml] : xml)];
}

/** Start/end names and joined non-blank text, independent of how text was cut into events. */
function shape(evs: XmlEvent[]): string[] {
  const out: string[] = [];
  let pending = '';
  const flush = (): void => {
    if (pending.trim() !== '') out.push(`"${pending}"`);
    pending = '';
  };
  for (const e of evs) {
    if (e.kind === 'text') {
      pending += e.text;
      continue;
    }
    flush();
    out.push(e.kind === 'start' ? `<${e.name} ${JSON.stringify(e.attributes)}@${e.line}:${e.column}` : `</${e.name}@${e.line}:${e.column}`);
  }
  flush();
  return out;
}

function errorOf(xml: string): FormatError {
  try {
    events(xml);
  } catch (err) {
    if (err instanceof FormatError) return err;
    throw err;
  }
  throw new Error('expected a FormatError');
}

const SAMPLE = `<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE doc [ <!ENTITY x "boom"> ]>
<!-- a comment with <tags> -->
<ns:Doc xmlns:ns="urn:x" a='1' b="two &amp; &#x41;&#66;">
  <ns:Amt Ccy="EUR">12.50</ns:Amt>
  <Empty/>
  <T>a &lt; b &gt; c &quot;q&quot; &apos;s&apos; AT&T &x; <![CDATA[<raw & stuff>]]></T>
</ns:Doc>
`;

describe('readXmlEvents', () => {
  it('reports elements without prefix, attributes decoded, text decoded, positions 1-based', () => {
    expect(shape(events(SAMPLE))).toEqual([
      '<Doc {"xmlns:ns":"urn:x","a":"1","b":"two & AB"}@4:1',
      '<Amt {"Ccy":"EUR"}@5:3',
      '"12.50"',
      '</Amt@5:26',
      '<Empty {}@6:3',
      '</Empty@6:3',
      '<T {}@7:3',
      '"a < b > c "q" \'s\' AT&T &x; <raw & stuff>"',
      '</T@7:84',
      '</Doc@8:1',
    ]);
    const start = events(SAMPLE).find((e) => e.kind === 'start');
    expect(start?.kind === 'start' ? start.qname : '').toBe('ns:Doc');
  });

  it('gives the same events whatever the chunking', () => {
    const whole = shape(events(SAMPLE));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: SAMPLE.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks: string[] = [];
        let last = 0;
        for (const p of points) {
          chunks.push(SAMPLE.slice(last, p));
          last = p;
        }
        chunks.push(SAMPLE.slice(last));
        expect(shape(events(chunks))).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('splits long text into several events that concatenate to the original', () => {
    const long = 'x&amp;'.repeat(30000);
    const evs = events([`<a>${long.slice(0, 70001)}`, `${long.slice(70001)}</a>`]);
    expect(
      evs
        .filter((e) => e.kind === 'text')
        .map((e) => (e.kind === 'text' ? e.text : ''))
        .join(''),
    ).toBe('x&'.repeat(30000));
  });

  it.each([
    ['<a><b></a>', 'end tag </a> does not match <b> opened at line 1, column 4', 1, 7],
    ['<a>\n  <b>text', 'unexpected end of file: <b> opened at line 2, column 3 is not closed', 2, 10],
    ['<a></a>junk', 'text after the end of the root element', 1, 8],
    ['junk<a/>', 'text before the root element', 1, 1],
    ['<a></a><b/>', 'element <b> after the end of the root element', 1, 8],
    ['<a>\n<1b/></a>', '"<1b" is not a valid element name', 2, 1],
    ['<a x="1" x="2"/>', 'attribute "x" given twice', 1, 1],
    ['<a x=1/>', 'malformed attribute near "x=1"', 1, 1],
    ['<a>&#0;</a>', 'character reference "&#0;" is not a valid XML character', 1, 4],
    ['<a><!-- open', 'unexpected end of file inside a comment', 1, 4],
    ['<a><![CDATA[x', 'unexpected end of file inside a CDATA section', 1, 4],
    ['<a><b', 'unexpected end of file inside a start tag', 1, 4],
    ['<a></b', 'unexpected end of file inside an end tag', 1, 4],
    ['<a><!JUNK></a>', 'unexpected "<!JUNK></": not a comment, CDATA section or DOCTYPE', 1, 4],
    ['</a>', 'end tag </a> without a matching start tag', 1, 1],
    ['', 'no XML element found', 1, 1],
    ['<a <b>', '"<" inside a tag', 1, 1],
  ])('rejects %j: %s', (xml, message, line, column) => {
    const err = errorOf(xml);
    expect(err.message).toBe(message);
    expect(err.position).toEqual({ line, column });
  });

  it('accepts a BOM and CRLF line ends', () => {
    const evs = events('\uFEFF<?xml version="1.0"?>\r\n<a>\r\n<b>x</b></a>');
    expect(shape(evs)).toEqual(['<a {}@2:1', '<b {}@3:1', '"x"', '</b@3:5', '</a@3:9']);
  });
});

describe('declaredXmlEncoding', () => {
  it('reads the prolog encoding, else nothing', () => {
    expect(declaredXmlEncoding('<?xml version="1.0" encoding="ISO-8859-1"?><a/>')).toBe('ISO-8859-1');
    expect(declaredXmlEncoding("\uFEFF  <?xml version='1.0' encoding='utf-8' standalone='yes'?>")).toBe('utf-8');
    expect(declaredXmlEncoding('<?xml version="1.0"?><a encoding="x"/>')).toBeUndefined();
    expect(declaredXmlEncoding('<a/>')).toBeUndefined();
  });
});

describe('SubtreeBuilder', () => {
  it('collects one element with children and trimmed text helpers', () => {
    const evs = events('<Ntry><Amt Ccy="EUR"> 1.00 </Amt><Dtls><Tx>a</Tx><Tx>b</Tx></Dtls></Ntry>');
    const first = evs[0];
    if (first?.kind !== 'start') throw new Error('no start');
    const builder = new SubtreeBuilder(first);
    let root: XmlNode | undefined;
    for (const e of evs.slice(1)) root ??= builder.add(e);
    expect(root?.name).toBe('Ntry');
    expect(text(root, 'Amt')).toBe('1.00');
    expect(root?.children[1]?.children.map((c) => c.text)).toEqual(['a', 'b']);
  });
});
