// Tolerant streaming reader of OFX markup (1.x SGML and 2.x XML): text chunks in, element events with positions out.
//
// Why a reader of our own: OFX 1.x is SGML, where leaf elements are usually not closed
// (`<TRNAMT>12.00` then the next tag), aggregates are, and banks also write `<TAG></TAG>`,
// everything on one line, or XML with CDATA. No XML parser accepts the first; no SGML parser
// is installed. The rules:
//   - A start tag followed by non-blank text is a leaf whose value is that text (trimmed, entities
//     decoded); a directly following end tag of the same name is consumed with it.
//   - A start tag followed (after blanks) by its own end tag, or written `<TAG/>`, is an empty leaf.
//   - Names in OFX_AGGREGATES always open an aggregate; names in OFX_LEAVES are always leaves
//     (so an unclosed empty SGML leaf cannot swallow its siblings). Any other name followed by a
//     tag is taken as an aggregate.
//   - An end tag closes the innermost open element of that name and everything opened inside it
//     (SGML leaves implied closes); an end tag with no open element of that name is ignored.
//   - Opening a non-nesting aggregate (STMTTRN, STMTRS, …) while one is open closes the first:
//     a lost `</STMTTRN>` ends the transaction instead of nesting the next one in it.
// Memory is bounded by one token (a tag, or a run of text) plus the open-element stack.
import { FormatError } from '../parserTypes.ts';
import type { SourcePosition } from '../parserTypes.ts';

/** Aggregates whose children we read, or whose children share names with ones we read. */
export const OFX_AGGREGATES: ReadonlySet<string> = new Set([
  'OFX',
  'SIGNONMSGSRSV1',
  'SONRS',
  'STATUS',
  'FI',
  'BANKMSGSRSV1',
  'CREDITCARDMSGSRSV1',
  'INVSTMTMSGSRSV1',
  'SIGNUPMSGSRSV1',
  'STMTTRNRS',
  'CCSTMTTRNRS',
  'INVSTMTTRNRS',
  'STMTRS',
  'CCSTMTRS',
  'INVSTMTRS',
  'BANKACCTFROM',
  'CCACCTFROM',
  'BANKACCTTO',
  'CCACCTTO',
  'BANKTRANLIST',
  'STMTTRN',
  'PAYEE',
  'CURRENCY',
  'ORIGCURRENCY',
  'LEDGERBAL',
  'AVAILBAL',
  'BALLIST',
  'BAL',
  'ACCTINFORS',
  'ACCTINFO',
  'BANKACCTINFO',
  'CCACCTINFO',
  'INVACCTFROM',
  'INVTRANLIST',
  'INVBANKTRAN',
]);

/** Leaves per the OFX specification; an unclosed empty one must not become an aggregate. */
export const OFX_LEAVES: ReadonlySet<string> = new Set([
  'CODE',
  'SEVERITY',
  'MESSAGE',
  'DTSERVER',
  'LANGUAGE',
  'DTPROFUP',
  'DTACCTUP',
  'ORG',
  'FID',
  'TRNUID',
  'CLTCOOKIE',
  'CURDEF',
  'BANKID',
  'BRANCHID',
  'ACCTID',
  'ACCTTYPE',
  'ACCTKEY',
  'DTSTART',
  'DTEND',
  'TRNTYPE',
  'DTPOSTED',
  'DTUSER',
  'DTAVAIL',
  'TRNAMT',
  'FITID',
  'CORRECTFITID',
  'CORRECTACTION',
  'SRVRTID',
  'CHECKNUM',
  'REFNUM',
  'SIC',
  'PAYEEID',
  'NAME',
  'EXTDNAME',
  'MEMO',
  'INV401KSOURCE',
  'CURRATE',
  'CURSYM',
  'BALAMT',
  'DTASOF',
  'MKTGINFO',
  'ADDR1',
  'ADDR2',
  'ADDR3',
  'CITY',
  'STATE',
  'POSTALCODE',
  'COUNTRY',
  'PHONE',
  'DESC',
  'BALTYPE',
  'VALUE',
  'VALUEDATE',
  'INTU.BID',
  'INTU.USERID',
]);

const NON_NESTING: ReadonlySet<string> = new Set([
  'STMTTRN',
  'STMTRS',
  'CCSTMTRS',
  'STMTTRNRS',
  'CCSTMTTRNRS',
  'BANKTRANLIST',
  'LEDGERBAL',
  'AVAILBAL',
  'BANKACCTFROM',
  'CCACCTFROM',
  'CURRENCY',
  'ORIGCURRENCY',
  'PAYEE',
  'STATUS',
]);

/** A single token (a tag, a comment, one value) longer than this is not OFX: refuse it rather than buffer it. */
export const MAX_OFX_TOKEN = 1 << 20;

export interface OpenElement {
  name: string;
  position: SourcePosition;
}

export type OfxEvent =
  | { type: 'open'; name: string; parent: string | undefined; position: SourcePosition; raw: string }
  | { type: 'close'; name: string; position: SourcePosition; raw: string }
  | {
      type: 'leaf';
      name: string;
      value: string;
      parent: string | undefined;
      grandparent: string | undefined;
      position: SourcePosition;
      raw: string;
    }
  | { type: 'skip'; raw: string }
  | { type: 'end'; position: SourcePosition; open: readonly OpenElement[] };

type RawToken =
  | { kind: 'start'; name: string; selfClosing: boolean; position: SourcePosition; raw: string }
  | { kind: 'end'; name: string; position: SourcePosition; raw: string }
  | { kind: 'text'; text: string; cdata: boolean; position: SourcePosition; raw: string }
  | { kind: 'other'; position: SourcePosition; raw: string };

/** 1-based line and column; CRLF, LF and a lone CR each end a line. */
class Cursor {
  line = 1;
  column = 1;
  private afterCr = false;

  here(): SourcePosition {
    return { line: this.line, column: this.column };
  }

  advance(text: string): void {
    if (text.length === 0) return;
    // Fast path: most tokens (tags, values) hold no line break.
    if (text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
      this.column += text.length;
      this.afterCr = false;
      return;
    }
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c === 10) {
        if (!this.afterCr) this.line++;
        this.column = 1;
        this.afterCr = false;
      } else if (c === 13) {
        this.line++;
        this.column = 1;
        this.afterCr = true;
      } else {
        this.column++;
        this.afterCr = false;
      }
    }
  }
}

const NAME_RE = /^([A-Za-z][A-Za-z0-9._:-]*)(\s[^<>]*)?$/;
// Constructs that may hold '<' or run long; `<?…?>` and `<!DOCTYPE…>` are read like tags, so a stray
// "<!" or "<?" in an SGML memo cannot swallow the markup after it.
const SPECIAL_ENDS: ReadonlyArray<[string, string]> = [
  ['<!--', '-->'],
  ['<![CDATA[', ']]>'],
];
// A tag is short; a `<` without a `>` within this many characters is text ("a < b" in an SGML memo).
const MAX_TAG = 256;

/** Splits the text into tags, text runs, CDATA and comments, with the position of each. */
export function* lexOfx(chunks: Iterable<string>): Generator<RawToken> {
  const cursor = new Cursor();
  const source = chunks[Symbol.iterator]();
  let buf = '';
  let i = 0;
  let done = false;
  const more = (): boolean => {
    while (!done) {
      const r = source.next();
      if (r.done === true) {
        done = true;
        return false;
      }
      if (r.value.length === 0) continue;
      buf = buf.slice(i) + r.value;
      i = 0;
      return true;
    }
    return false;
  };
  const take = (end: number): { raw: string; position: SourcePosition } => {
    const raw = buf.slice(i, end);
    const position = cursor.here();
    cursor.advance(raw);
    i = end;
    return { raw, position };
  };

  for (;;) {
    if (i >= buf.length && !more()) return;
    if (buf.charCodeAt(i) !== 60 /* < */) {
      const lt = buf.indexOf('<', i);
      if (lt < 0 && !done && buf.length - i < 65536 && more()) continue;
      const t = take(lt < 0 ? buf.length : lt);
      yield { kind: 'text', text: t.raw, cdata: false, ...t };
      continue;
    }
    yield lexMarkup();
  }

  // Reads the construct starting at buf[i] === '<' (a plain function: a generator per tag costs twice the time).
  function lexMarkup(): RawToken {
    while (buf.length - i < 9 && !done) if (!more()) break;
    for (const [open, close] of SPECIAL_ENDS) {
      if (!buf.startsWith(open, i)) continue;
      let end = buf.indexOf(close, i + open.length);
      while (end < 0) {
        const searched = buf.length - i;
        if (searched > MAX_OFX_TOKEN) throw new FormatError(`"${open}" is not closed by "${close}" within 1 MiB`, cursor.here());
        if (!more()) break;
        end = buf.indexOf(close, Math.max(i + open.length, i + searched - close.length));
      }
      if (end < 0) throw new FormatError(`the file ends inside "${open}" (no "${close}"): it is truncated`, cursor.here());
      const t = take(end + close.length);
      if (open === '<![CDATA[') return { kind: 'text', text: t.raw.slice(9, -3), cdata: true, ...t };
      return { kind: 'other', ...t };
    }
    let end = findTagEnd();
    while (end === undefined && more()) end = findTagEnd();
    const inner = end === undefined || end < 0 ? null : buf.slice(i + 1, end);
    if (inner !== null && (inner.startsWith('?') || inner.startsWith('!'))) return { kind: 'other', ...take((end ?? i) + 1) };
    const closing = inner?.startsWith('/') === true;
    const m = inner === null ? null : NAME_RE.exec((closing ? inner.slice(1) : inner).replace(/\/\s*$/, ''));
    if (end === undefined || end < 0 || inner === null || m === null) {
      // Not a tag: the '<' is text.
      const t = take(i + 1);
      return { kind: 'text', text: t.raw, cdata: false, ...t };
    }
    const name = (m[1] ?? '').toUpperCase();
    const t = take(end + 1);
    if (closing) return { kind: 'end', name, ...t };
    return { kind: 'start', name, selfClosing: /\/\s*$/.test(inner), ...t };
  }

  // Index of the '>' ending the tag at i; -1 when it is not a tag; undefined when more text is needed.
  function findTagEnd(): number | undefined {
    const limit = Math.min(buf.length, i + MAX_TAG);
    for (let k = i + 1; k < limit; k++) {
      const c = buf.charCodeAt(k);
      if (c === 62 /* > */) return k;
      if (c === 60 /* < */) return -1;
    }
    return limit === i + MAX_TAG || done ? -1 : undefined;
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes character references; an `&` that starts none is kept as written (SGML files write "AT&T"). */
export function decodeOfxEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z]{2,6});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** A one-token pushback over the lexer, so a start tag can look at what follows it. */
class TokenStream {
  private readonly source: Iterator<RawToken>;
  private pending: RawToken | null = null;

  constructor(chunks: Iterable<string>) {
    this.source = lexOfx(chunks);
  }

  next(): RawToken | null {
    if (this.pending !== null) {
      const t = this.pending;
      this.pending = null;
      return t;
    }
    const r = this.source.next();
    return r.done === true ? null : r.value;
  }

  pushBack(t: RawToken): void {
    this.pending = t;
  }
}

interface LeafText {
  value: string;
  raw: string;
  /** The token after the value (end tag, next tag or null at the end), not yet consumed. */
  next: RawToken | null;
}

// Gathers the text, CDATA and comments after a start tag; entities are decoded outside CDATA only.
function readLeafText(tokens: TokenStream): LeafText {
  let value = '';
  let plain = '';
  let raw = '';
  for (;;) {
    const t = tokens.next();
    if (t === null || t.kind === 'start' || t.kind === 'end') {
      return { value: value + decodeOfxEntities(plain), raw, next: t };
    }
    raw += t.raw;
    if (raw.length > MAX_OFX_TOKEN) throw new FormatError('a value longer than 1 MiB: this is not OFX', t.position);
    if (t.kind !== 'text') continue;
    if (t.cdata) {
      value += decodeOfxEntities(plain) + t.text;
      plain = '';
    } else {
      plain += t.text;
    }
  }
}

/**
 * The OFX element events of a text: opens and closes of aggregates, leaves with their values,
 * skipped text (kept for raw record text), and a final `end` that lists what was left open.
 */
export function* ofxElements(chunks: Iterable<string>): Generator<OfxEvent> {
  const tokens = new TokenStream(chunks);
  const stack: OpenElement[] = [];
  const top = (k: number): string | undefined => stack[stack.length - k]?.name;
  let last: SourcePosition = { line: 1, column: 1 };

  function closeTo(index: number, position: SourcePosition, raw: string): OfxEvent[] {
    const closed: OfxEvent[] = [];
    while (stack.length > index) {
      const el = stack.pop();
      if (el === undefined) break;
      closed.push({ type: 'close', name: el.name, position, raw: stack.length === index ? raw : '' });
    }
    return closed;
  }
  const openIndex = (name: string): number => {
    for (let k = stack.length - 1; k >= 0; k--) if (stack[k]?.name === name) return k;
    return -1;
  };

  for (;;) {
    const t = tokens.next();
    if (t === null) break;
    last = t.position;
    if (t.kind === 'text' || t.kind === 'other') {
      yield { type: 'skip', raw: t.raw };
    } else if (t.kind === 'end') {
      const k = openIndex(t.name);
      if (k < 0) yield { type: 'skip', raw: t.raw };
      else yield* closeTo(k, t.position, t.raw);
    } else if (t.selfClosing) {
      yield { type: 'leaf', name: t.name, value: '', parent: top(1), grandparent: top(2), position: t.position, raw: t.raw };
    } else if (OFX_AGGREGATES.has(t.name)) {
      if (NON_NESTING.has(t.name)) {
        const k = openIndex(t.name);
        if (k >= 0) yield* closeTo(k, t.position, '');
      }
      yield { type: 'open', name: t.name, parent: top(1), position: t.position, raw: t.raw };
      stack.push({ name: t.name, position: t.position });
    } else {
      yield startOfUnknownOrLeaf(t);
    }
  }
  yield { type: 'end', position: last, open: stack.slice() };

  function startOfUnknownOrLeaf(t: RawToken & { kind: 'start' }): OfxEvent {
    const text = readLeafText(tokens);
    const value = text.value.trim();
    const next = text.next;
    const leaf = (raw: string): OfxEvent => ({
      type: 'leaf',
      name: t.name,
      value,
      parent: top(1),
      grandparent: top(2),
      position: t.position,
      raw,
    });
    if (next !== null && next.kind === 'end' && next.name === t.name) return leaf(t.raw + text.raw + next.raw);
    if (next !== null) tokens.pushBack(next);
    if (value !== '' || OFX_LEAVES.has(t.name) || next === null || next.kind === 'end') return leaf(t.raw + text.raw);
    const open: OfxEvent = { type: 'open', name: t.name, parent: top(1), position: t.position, raw: t.raw + text.raw };
    stack.push({ name: t.name, position: t.position });
    return open;
  }
}
