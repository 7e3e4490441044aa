// A small streaming XML tokenizer: turns text chunks into start/text/end events with positions, without building a DOM.
//
// Scope is what bank and provider files need, nothing more:
//   - element names are reported without their namespace prefix (`ns2:Ntry` → `Ntry`); end tags must
//     match their start tag as written (prefix included), otherwise the file is malformed;
//   - attributes are kept under their name as written (`xmlns`, `xmlns:xsi`, `Ccy`);
//   - the prolog, processing instructions, comments and DOCTYPE are skipped; CDATA becomes text;
//   - the five predefined entities and numeric references are decoded. DTD-defined entities are
//     never expanded (no external fetches, no entity bombs). A `&` that does not start a valid
//     reference is kept literally, because banks write "AT&T" unescaped in remittance text;
//   - one text node may arrive as several text events (chunk boundaries, CDATA): consumers concatenate.
// Memory is bounded by the longest single piece of markup (MAX_MARKUP), not by the file.
import { FormatError } from '../parserTypes.ts';
import type { SourcePosition } from '../parserTypes.ts';

export type XmlEvent =
  | { kind: 'start'; name: string; qname: string; attributes: Record<string, string>; line: number; column: number }
  | { kind: 'text'; text: string; line: number; column: number }
  | { kind: 'end'; name: string; line: number; column: number };

/** Longest tag, comment, CDATA section or DOCTYPE accepted before the file is declared malformed. */
const MAX_MARKUP = 4 * 1024 * 1024;
/** Text without markup is emitted in pieces once this much is buffered. */
const TEXT_FLUSH = 64 * 1024;

const NAME_RE = /^[A-Za-z_\u00C0-\uFFFF][\w.\-:\u00B7\u00C0-\uFFFF]*$/;
const ATTR_RE = /\s*([^\s=/>"']+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The `encoding="…"` of an XML prolog at the start of `head`, as written. */
export function declaredXmlEncoding(head: string): string | undefined {
  const m = /^\uFEFF?\s*<\?xml\s[^?]*?\bencoding\s*=\s*["']([^"']+)["']/.exec(head);
  return m?.[1];
}

/** Decodes entity and character references; `at` places errors. */
export function decodeXmlText(raw: string, at: SourcePosition): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#[xX][0-9A-Fa-f]+|#[0-9]+|[A-Za-z][\w.-]*);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const hex = ref[1] === 'x' || ref[1] === 'X';
      const code = Number.parseInt(ref.slice(hex ? 2 : 1), hex ? 16 : 10);
      const valid = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff));
      if (!valid) throw new FormatError(`character reference "${whole}" is not a valid XML character`, at);
      return String.fromCodePoint(code);
    }
    return PREDEFINED[ref] ?? whole;
  });
}

function localName(qname: string): string {
  const colon = qname.lastIndexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

// Index of the `>` closing a start tag that begins at `from`, skipping quoted attribute values; -1 when not in buf.
function startTagEnd(buf: string, from: number): number {
  let quote = '';
  for (let i = from; i < buf.length; i++) {
    const ch = buf.charCodeAt(i);
    if (quote !== '') {
      if (buf[i] === quote) quote = '';
    } else if (ch === 34 || ch === 39) {
      quote = buf[i] ?? '';
    } else if (ch === 62) {
      return i;
    } else if (ch === 60) {
      return -2;
    }
  }
  return -1;
}

interface OpenElement {
  qname: string;
  line: number;
  column: number;
}

/** Tokenizer state; use through readXmlEvents. */
class XmlTokenizer {
  private buf = '';
  private pos = 0;
  private line = 1;
  private column = 1;
  private readonly open: OpenElement[] = [];
  private rootSeen = false;
  private rootClosed = false;
  /** The end event of a self-closing tag, handed out right after its start event. */
  private pending: XmlEvent | undefined;

  *feed(chunk: string, final: boolean): Generator<XmlEvent> {
    this.buf = this.pos < this.buf.length ? this.buf.slice(this.pos) + chunk : chunk;
    this.pos = 0;
    while (this.pos < this.buf.length) {
      const event = this.buf.charCodeAt(this.pos) === 60 ? this.markup(final) : this.text(final);
      if (event === null) break;
      if (event === undefined) continue;
      yield event;
      if (this.pending !== undefined) {
        yield this.pending;
        this.pending = undefined;
      }
    }
    if (final) this.finish();
  }

  private here(): SourcePosition {
    return { line: this.line, column: this.column };
  }

  private fail(message: string, at: SourcePosition = this.here()): never {
    throw new FormatError(message, at);
  }

  // Moves pos to `to`, keeping line/column in step.
  private advance(to: number): void {
    let nl = this.buf.indexOf('\n', this.pos);
    if (nl < 0 || nl >= to) {
      this.column += to - this.pos;
    } else {
      let last = nl;
      while (nl >= 0 && nl < to) {
        this.line++;
        last = nl;
        nl = this.buf.indexOf('\n', nl + 1);
      }
      this.column = to - last;
    }
    this.pos = to;
  }

  // null: need more input; undefined: consumed without an event.
  private text(final: boolean): XmlEvent | null | undefined {
    const lt = this.buf.indexOf('<', this.pos);
    let end = lt < 0 ? this.buf.length : lt;
    if (lt < 0 && !final) {
      if (this.buf.length - this.pos < TEXT_FLUSH) return null;
      const amp = this.buf.lastIndexOf('&');
      if (amp >= this.pos && amp > this.buf.length - 16 && !this.buf.includes(';', amp)) end = amp;
    }
    const raw = this.buf.slice(this.pos, end);
    const at = this.here();
    this.advance(end);
    if (this.open.length === 0) {
      if (raw.trim() !== '' && !(raw.trim() === '\uFEFF' && !this.rootSeen)) {
        this.fail(this.rootClosed ? 'text after the end of the root element' : 'text before the root element', at);
      }
      return undefined;
    }
    return { kind: 'text', text: decodeXmlText(raw, at), line: at.line, column: at.column };
  }

  private need(final: boolean, what: string): null {
    if (final) this.fail(`unexpected end of file inside ${what}`);
    if (this.buf.length - this.pos > MAX_MARKUP) this.fail(`${what} is not closed within ${MAX_MARKUP} characters`);
    return null;
  }

  private markup(final: boolean): XmlEvent | null | undefined {
    const b = this.buf;
    const p = this.pos;
    if (b.length - p < 2) return this.need(final, 'markup');
    const second = b[p + 1];
    if (second === '?') return this.delimited('?>', final, 'a processing instruction');
    if (second === '!') return this.bang(final);
    if (second === '/') return this.endTag(final);
    return this.startTag(final);
  }

  private delimited(close: string, final: boolean, what: string): null | undefined {
    const end = this.buf.indexOf(close, this.pos + 2);
    if (end < 0) return this.need(final, what);
    this.advance(end + close.length);
    return undefined;
  }

  private bang(final: boolean): XmlEvent | null | undefined {
    const b = this.buf;
    const p = this.pos;
    if (b.length - p < 9 && !final) return null;
    if (b.startsWith('<!--', p)) return this.delimited('-->', final, 'a comment');
    if (b.startsWith('<![CDATA[', p)) {
      const end = b.indexOf(']]>', p + 9);
      if (end < 0) return this.need(final, 'a CDATA section');
      const at = this.here();
      if (this.open.length === 0) this.fail('CDATA outside the root element', at);
      const text = b.slice(p + 9, end);
      this.advance(end + 3);
      return { kind: 'text', text, line: at.line, column: at.column };
    }
    if (b.startsWith('<!DOCTYPE', p)) {
      if (this.rootSeen) this.fail('DOCTYPE after the root element started');
      const bracket = b.indexOf('[', p);
      const gt = b.indexOf('>', p);
      if (bracket >= 0 && (gt < 0 || bracket < gt)) return this.delimited(']>', final, 'a DOCTYPE');
      return this.delimited('>', final, 'a DOCTYPE');
    }
    return this.fail(`unexpected "${b.slice(p, p + 9)}": not a comment, CDATA section or DOCTYPE`);
  }

  private endTag(final: boolean): XmlEvent | null {
    const gt = this.buf.indexOf('>', this.pos + 2);
    if (gt < 0) return this.need(final, 'an end tag');
    const qname = this.buf.slice(this.pos + 2, gt).trim();
    const at = this.here();
    const top = this.open[this.open.length - 1];
    if (top === undefined) this.fail(`end tag </${qname}> without a matching start tag`, at);
    if (top.qname !== qname) {
      this.fail(`end tag </${qname}> does not match <${top.qname}> opened at line ${top.line}, column ${top.column}`, at);
    }
    this.open.pop();
    if (this.open.length === 0) this.rootClosed = true;
    this.advance(gt + 1);
    return { kind: 'end', name: localName(qname), line: at.line, column: at.column };
  }

  private startTag(final: boolean): XmlEvent | null | undefined {
    const gt = startTagEnd(this.buf, this.pos + 1);
    if (gt === -2) this.fail('"<" inside a tag');
    if (gt < 0) return this.need(final, 'a start tag');
    const at = this.here();
    const selfClosing = this.buf[gt - 1] === '/';
    const inner = this.buf.slice(this.pos + 1, selfClosing ? gt - 1 : gt);
    const nameEnd = inner.search(/[\s]|$/);
    const qname = inner.slice(0, nameEnd);
    if (!NAME_RE.test(qname)) this.fail(`"<${qname}" is not a valid element name`, at);
    if (this.rootClosed) this.fail(`element <${qname}> after the end of the root element`, at);
    const attributes = this.attributes(inner.slice(nameEnd), at);
    this.advance(gt + 1);
    this.rootSeen = true;
    const start: XmlEvent = { kind: 'start', name: localName(qname), qname, attributes, line: at.line, column: at.column };
    if (selfClosing) {
      this.pending = { kind: 'end', name: start.name, line: at.line, column: at.column };
      if (this.open.length === 0) this.rootClosed = true;
    } else {
      this.open.push({ qname, line: at.line, column: at.column });
    }
    return start;
  }

  private attributes(text: string, at: SourcePosition): Record<string, string> {
    const attributes: Record<string, string> = {};
    ATTR_RE.lastIndex = 0;
    let i = 0;
    while (i < text.length) {
      if (text.slice(i).trim() === '') break;
      ATTR_RE.lastIndex = i;
      const m = ATTR_RE.exec(text);
      if (m === null) this.fail(`malformed attribute near "${text.slice(i, i + 20).trim()}"`, at);
      const name = m[1] ?? '';
      if (name in attributes) this.fail(`attribute "${name}" given twice`, at);
      attributes[name] = decodeXmlText(m[2] ?? m[3] ?? '', at);
      i = ATTR_RE.lastIndex;
    }
    return attributes;
  }

  private finish(): void {
    const top = this.open[this.open.length - 1];
    if (top !== undefined) {
      this.fail(`unexpected end of file: <${top.qname}> opened at line ${top.line}, column ${top.column} is not closed`);
    }
    if (!this.rootSeen) this.fail('no XML element found');
  }
}

/** XML events of a document given as text chunks (BOM-free or with a leading BOM); throws FormatError on malformed XML. */
export function* readXmlEvents(chunks: Iterable<string>): Generator<XmlEvent> {
  const tokenizer = new XmlTokenizer();
  let previous: string | undefined;
  // One chunk of look-ahead so the tokenizer knows which chunk is the last.
  for (const chunk of chunks) {
    if (previous !== undefined) yield* tokenizer.feed(previous, false);
    previous = chunk;
  }
  yield* tokenizer.feed(previous ?? '', true);
}

// ---- subtrees ----

export interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: XmlNode[];
  line: number;
  column: number;
  endLine: number;
}

/** A record subtree with more elements than this is refused; it keeps memory bounded on hostile input. */
const MAX_NODES = 50_000;

/**
 * Collects one small subtree (a statement entry, a balance) so a streaming parser can read it
 * like a DOM while never holding more than that one record.
 */
export class SubtreeBuilder {
  private readonly stack: XmlNode[] = [];
  private count = 0;

  constructor(start: Extract<XmlEvent, { kind: 'start' }>) {
    this.stack.push(nodeFrom(start));
  }

  /** Returns the root once its end tag has been seen. */
  add(event: XmlEvent): XmlNode | undefined {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) return undefined;
    if (event.kind === 'text') {
      // Whitespace between child elements is layout, not content.
      if (top.children.length === 0 || event.text.trim() !== '') top.text += event.text;
      return undefined;
    }
    if (event.kind === 'start') {
      if (++this.count > MAX_NODES) {
        const root = this.stack[0] ?? top;
        throw new FormatError(`<${root.name}> has more than ${MAX_NODES} elements`, { line: root.line, column: root.column });
      }
      const node = nodeFrom(event);
      top.children.push(node);
      this.stack.push(node);
      return undefined;
    }
    this.stack.pop();
    top.endLine = event.line;
    return this.stack.length === 0 ? top : undefined;
  }
}

function nodeFrom(e: Extract<XmlEvent, { kind: 'start' }>): XmlNode {
  return { name: e.name, attributes: e.attributes, text: '', children: [], line: e.line, column: e.column, endLine: e.line };
}

/** The first descendant along a path of element names. */
export function child(node: XmlNode | undefined, ...path: string[]): XmlNode | undefined {
  let current = node;
  for (const name of path) {
    current = current?.children.find((c) => c.name === name);
    if (current === undefined) return undefined;
  }
  return current;
}

/** Every descendant along a path (each step may match several elements). */
export function all(node: XmlNode | undefined, ...path: string[]): XmlNode[] {
  let level: XmlNode[] = node === undefined ? [] : [node];
  for (const name of path) level = level.flatMap((n) => n.children.filter((c) => c.name === name));
  return level;
}

/** Trimmed text of the element at `path`; undefined when absent or empty. */
export function text(node: XmlNode | undefined, ...path: string[]): string | undefined {
  const t = child(node, ...path)?.text.trim();
  return t === undefined || t === '' ? undefined : t;
}

/** The element back as compact XML (for the journal of a rejected record; layout is not preserved). */
export function serialize(node: XmlNode): string {
  const attrs = Object.entries(node.attributes)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  const inner = node.children.length > 0 ? node.children.map(serialize).join('') : escapeXml(node.text.trim());
  return `<${node.name}${attrs}>${inner}</${node.name}>`;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
