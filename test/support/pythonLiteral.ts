// Reads Python literal dumps (pprint output of dicts, lists, tuples, strings, numbers, Decimal, datetime.date) used as golden files by fixture projects.

/** A Python number kept as its source text, so amounts never pass through a binary float. */
export class PyNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export type PyValue = string | PyNumber | boolean | null | PyValue[] | { [key: string]: PyValue };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

class Reader {
  private pos = 0;
  private readonly src: string;
  constructor(src: string) {
    this.src = src;
  }

  fail(message: string): never {
    throw new Error(`python literal: ${message} at offset ${this.pos}: ${JSON.stringify(this.src.slice(this.pos, this.pos + 30))}`);
  }

  skip(): void {
    while (this.pos < this.src.length && /\s/.test(this.src.charAt(this.pos))) this.pos++;
  }

  peek(): string {
    this.skip();
    return this.src.charAt(this.pos);
  }

  expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected "${ch}"`);
    this.pos++;
  }

  value(): PyValue {
    const ch = this.peek();
    if (ch === '{') return this.dict();
    if (ch === '[' || ch === '(') return this.sequence(ch === '[' ? ']' : ')');
    if (ch === "'" || ch === '"') return this.strings();
    if (/[-+\d.]/.test(ch)) return this.number();
    return this.word();
  }

  // Adjacent literals concatenate, which is how pprint wraps long strings.
  strings(): string {
    let out = '';
    while (this.peek() === "'" || this.peek() === '"') out += this.string();
    return out;
  }

  string(): string {
    const quote = this.src.charAt(this.pos++);
    let out = '';
    while (this.pos < this.src.length) {
      const ch = this.src.charAt(this.pos++);
      if (ch === quote) return out;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const esc = this.src.charAt(this.pos++);
      if (esc === 'x' || esc === 'u') {
        const len = esc === 'x' ? 2 : 4;
        out += String.fromCharCode(Number.parseInt(this.src.slice(this.pos, this.pos + len), 16));
        this.pos += len;
      } else {
        out += ESCAPES[esc] ?? `\\${esc}`;
      }
    }
    return this.fail('unterminated string');
  }

  number(): PyNumber {
    const m = /^[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?/.exec(this.src.slice(this.pos));
    if (m === null) this.fail('bad number');
    this.pos += m[0].length;
    return new PyNumber(m[0]);
  }

  word(): PyValue {
    const m = /^[A-Za-z_][\w.]*/.exec(this.src.slice(this.pos));
    if (m === null) this.fail('unexpected character');
    this.pos += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    const args = this.sequence(')', true);
    if (m[0] === 'Decimal' && typeof args[0] === 'string') return new PyNumber(args[0]);
    if (/^(datetime\.)?date$/.test(m[0])) {
      const [y, mo, d] = args.map((a) => (a instanceof PyNumber ? a.text : ''));
      return `${y}-${(mo ?? '').padStart(2, '0')}-${(d ?? '').padStart(2, '0')}`;
    }
    return this.fail(`unsupported constructor ${m[0]}`);
  }

  sequence(close: string, call = false): PyValue[] {
    this.expect(call ? '(' : close === ']' ? '[' : '(');
    const items: PyValue[] = [];
    while (this.peek() !== close) {
      items.push(this.value());
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== close) this.fail(`expected "," or "${close}"`);
    }
    this.pos++;
    return items;
  }

  dict(): { [key: string]: PyValue } {
    this.expect('{');
    const out: { [key: string]: PyValue } = {};
    while (this.peek() !== '}') {
      const key = this.value();
      this.expect(':');
      out[typeof key === 'string' ? key : String(key instanceof PyNumber ? key.text : key)] = this.value();
      if (this.peek() === ',') this.pos++;
    }
    this.pos++;
    return out;
  }

  end(): void {
    if (this.peek() !== '') this.fail('trailing text');
  }
}

/** Parses one Python literal expression. */
export function parsePythonLiteral(src: string): PyValue {
  const reader = new Reader(src);
  const value = reader.value();
  reader.end();
  return value;
}
