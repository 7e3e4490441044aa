// Where JSON text stops being JSON: the offset of the first character a JSON reader refuses (JSON.parse's own messages
// give no position in current engines). A small recursive-descent reader of RFC 8259, used only when parsing failed.

const WS = new Set([' ', '\t', '\n', '\r']);

class Stop extends Error {
  readonly at: number;
  constructor(at: number) {
    super('stop');
    this.at = at;
  }
}

/** The offset of the first character that cannot continue the JSON text (its length when it ends too early); null when it is JSON. */
export function jsonErrorAt(text: string): number | null {
  let i = 0;
  const space = () => {
    while (i < text.length && WS.has(text[i] as string)) i++;
  };
  const expect = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) throw new Stop(i);
      i++;
    }
  };
  const string = () => {
    expect('"');
    while (i < text.length && text[i] !== '"') {
      const ch = text[i] as string;
      if (ch < ' ') throw new Stop(i);
      if (ch === '\\') {
        i++;
        const esc = text[i];
        if (esc === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) throw new Stop(i);
          i += 5;
          continue;
        }
        if (esc === undefined || !'"\\/bfnrt'.includes(esc)) throw new Stop(i);
      }
      i++;
    }
    expect('"');
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (m === null || m[0] === '' || m[0] === '-') throw new Stop(i);
    i += m[0].length;
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === '{') {
      i++;
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        string();
        space();
        expect(':');
        value();
        space();
        if (text[i] === ',') i++;
        else return expect('}');
      }
    }
    if (ch === '[') {
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === ',') i++;
        else return expect(']');
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return expect('true');
    if (ch === 'f') return expect('false');
    if (ch === 'n') return expect('null');
    number();
  };
  try {
    value();
    space();
    return i < text.length ? i : null;
  } catch (err) {
    if (err instanceof Stop) return err.at;
    throw err;
  }
}
