// Parses Stripe API JSON (list pages, arrays, single objects, fixture bundles) into canonical event drafts.
//
// Input shapes accepted, as the Stripe API and its fixtures write them:
//   - a list object   {"object":"list","data":[...],"has_more":...}   records are data[i] (a search_result too)
//   - a bare array    [{...}, {...}]                                    records are [i]
//   - a single object {"object":"charge", ...}                          the record is the root
//   - a fixture bundle {"resources":{"charge":{...}, ...}}              records are resources.TYPE
//     (only the five supported types are taken from it).
//
// Supported `object` types and their mapping (amounts are already integer minor units):
//   balance_transaction  kind from reporting_category (see stripeBalanceCsv.ts, same table);
//                        amount/fee/net exactly as Stripe signs them on the balance. A balance
//                        transaction written before Stripe added reporting_category (2014-era JSON)
//                        is categorized from its `type` (LEGACY_TYPE_CATEGORY): `transfer` was then
//                        the payout to the bank, so it is a payout with payout_ref = its tr_ source.
//   charge               payment, amount positive.
//   refund               refund, amount NEGATIVE (Stripe writes it positive; it leaves the balance).
//   payout               payout, amount NEGATIVE (it leaves the Stripe balance; the bank credit is the
//                        positive side), payout_ref = its own id, local_date = arrival_date as a UTC date.
//   dispute              the dispute's balance effect: one event per balance transaction in its
//                        `balance_transactions` (the withdrawal, e.g. -100.00 with the 15.00 dispute
//                        fee, and a reinstatement when won), each mapped exactly as that balance
//                        transaction alone would be (same id, kind, amount, fee, net: importing the
//                        balance history as well adds nothing twice), with the dispute's payment
//                        intent/charge as trace, its status and reason in attributes, and the disputed
//                        amount as presentment_amount_minor/presentment_currency when it is in another
//                        currency. A dispute with no balance transaction (an inquiry, status warning_*)
//                        withdrew nothing: one dispute event with the disputed amount, NEGATIVE, and
//                        its status as revision, as before.
// Any other object type (customer, account, event, …) is not a money movement and yields no
// record at all; this is deliberate, not an error. An element of a list or array that is not an
// object, or has no "object" field, is rejected.
//
// Sign of fee/net: as on a Stripe balance transaction: fee is positive for a cost and
// net = amount − fee. A charge or refund takes fee/net from its `balance_transaction` only when
// it is expanded AND in the same currency (a charge settled in another currency has fee/net in the
// settlement currency; those go to attributes instead, never mixed with the charge amount).
//
// trace_id is the payment intent where the object names one, else the charge id (a charge's own id,
// a refund's/dispute's `charge`), so a charge, its refunds and its disputes share one key; a
// balance transaction uses its `source` (or the expanded source's payment intent). Join keys go
// through normalizeRef (Stripe ids keep their case; emails are lowercased).
//
// source_revision: '' for balance transactions (immutable); `status` for the others, so a dispute
// moving from needs_response to lost is a new revision.
//
// The whole text is buffered: API pages are small (≤100 objects) and a JSON value cannot be
// validated before its end anyway. Parsing uses a small position-tracking JSON reader so every
// record and every rejected field is reported as line:column of the source text.
import type { EventDraftInput, EventKind } from '../../../shared/events/canonicalEvent.ts';
import { normalizeRef } from '../../../shared/events/canonicalEvent.ts';
import { parseMinorInteger } from '../../../shared/money/amountText.ts';
import { isCurrencyCode } from '../../../shared/money/currencies.ts';
import { unixSecondsToIso } from '../../../shared/time/dateText.ts';
import { FormatError } from '../parserTypes.ts';
import type { FormatParser, ParseInput, RecordResult, SourcePosition } from '../parserTypes.ts';
import { kindForReportingCategory, orderRefFromDescription } from './stripeBalanceCsv.ts';

export const STRIPE_API_OBJECTS = ['balance_transaction', 'charge', 'refund', 'payout', 'dispute'] as const;
type StripeObjectType = (typeof STRIPE_API_OBJECTS)[number];

// ---------------------------------------------------------------------------
// Position-tracking JSON reader

type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
interface JsonObject {
  [key: string]: JsonValue;
}

/** Where a container and each of its members start in the text (UTF-16 offsets). */
interface NodeSpan {
  start: number;
  /** Offset just past the closing bracket. */
  end: number;
  members: Map<string | number, number>;
}

const MAX_DEPTH = 512;

class JsonSyntaxError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * A strict RFC 8259 reader that records spans for objects and arrays. Written here rather than
 * using JSON.parse because JSON.parse neither gives positions of values nor a stable,
 * engine-independent position for its syntax errors.
 */
class PositionalJsonReader {
  readonly spans = new WeakMap<object, NodeSpan>();
  private pos = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  readDocument(): JsonValue {
    this.skipWs();
    if (this.pos >= this.text.length) throw new JsonSyntaxError('the file is empty', this.pos);
    const value = this.readValue(0);
    this.skipWs();
    if (this.pos < this.text.length) throw new JsonSyntaxError(`unexpected ${this.describeChar()} after the JSON value`, this.pos);
    return value;
  }

  private skipWs(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else break;
    }
  }

  private describeChar(): string {
    if (this.pos >= this.text.length) return 'end of file';
    return `character ${JSON.stringify(this.text[this.pos])}`;
  }

  private readValue(depth: number): JsonValue {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError(`nesting deeper than ${MAX_DEPTH} levels`, this.pos);
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.readObject(depth);
      case '[':
        return this.readArray(depth);
      case '"':
        return this.readString();
      case 't':
        return this.readLiteral('true', true);
      case 'f':
        return this.readLiteral('false', false);
      case 'n':
        return this.readLiteral('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.readNumber();
        throw new JsonSyntaxError(`unexpected ${this.describeChar()}, expected a JSON value`, this.pos);
    }
  }

  private readLiteral<T extends JsonValue>(word: string, value: T): T {
    for (let i = 0; i < word.length; i++) {
      if (this.text[this.pos + i] !== word[i]) {
        this.pos += i;
        throw new JsonSyntaxError(`unexpected ${this.describeChar()} in "${word}"`, this.pos);
      }
    }
    this.pos += word.length;
    return value;
  }

  private readNumber(): number {
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(this.text);
    if (m === null) throw new JsonSyntaxError('malformed number', this.pos);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private readString(): string {
    const t = this.text;
    const open = this.pos;
    this.pos++;
    let out = '';
    let seg = this.pos;
    for (;;) {
      if (this.pos >= t.length) throw new JsonSyntaxError('unterminated string', open);
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(seg, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) throw new JsonSyntaxError('control character inside a string (a raw line break?)', this.pos);
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += t.slice(seg, this.pos);
      const e = t[this.pos + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && e in simple) {
        out += simple[e];
        this.pos += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(this.pos + 2, this.pos + 6))) {
        out += String.fromCharCode(parseInt(t.slice(this.pos + 2, this.pos + 6), 16));
        this.pos += 6;
      } else {
        throw new JsonSyntaxError('invalid escape in a string', this.pos);
      }
      seg = this.pos;
    }
  }

  private expect(ch: string, what: string): void {
    this.skipWs();
    if (this.text[this.pos] !== ch) throw new JsonSyntaxError(`unexpected ${this.describeChar()}, expected ${what}`, this.pos);
    this.pos++;
  }

  private readObject(depth: number): JsonObject {
    const start = this.pos;
    const obj: JsonObject = {};
    const members = new Map<string | number, number>();
    this.pos++;
    this.skipWs();
    if (this.text[this.pos] === '}') {
      this.pos++;
      this.spans.set(obj, { start, end: this.pos, members });
      return obj;
    }
    for (;;) {
      this.skipWs();
      if (this.text[this.pos] !== '"')
        throw new JsonSyntaxError(`unexpected ${this.describeChar()}, expected a property name in double quotes`, this.pos);
      const key = this.readString();
      this.expect(':', '":"');
      this.skipWs();
      const valueStart = this.pos;
      const value = this.readValue(depth + 1);
      // defineProperty: a "__proto__" key must become data, not the object's prototype.
      Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      members.set(key, valueStart);
      this.skipWs();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        this.spans.set(obj, { start, end: this.pos, members });
        return obj;
      }
      throw new JsonSyntaxError(`unexpected ${this.describeChar()}, expected "," or "}"`, this.pos);
    }
  }

  private readArray(depth: number): JsonValue[] {
    const start = this.pos;
    const arr: JsonValue[] = [];
    const members = new Map<string | number, number>();
    this.pos++;
    this.skipWs();
    if (this.text[this.pos] === ']') {
      this.pos++;
      this.spans.set(arr, { start, end: this.pos, members });
      return arr;
    }
    for (;;) {
      this.skipWs();
      members.set(arr.length, this.pos);
      arr.push(this.readValue(depth + 1));
      this.skipWs();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        this.spans.set(arr, { start, end: this.pos, members });
        return arr;
      }
      throw new JsonSyntaxError(`unexpected ${this.describeChar()}, expected "," or "]"`, this.pos);
    }
  }
}

/** Maps UTF-16 offsets to 1-based line/column; CRLF, LF and a lone CR each end a line (as in csvReader). */
class LineMap {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) this.starts.push(i + 1);
      else if (c === 0x0d) {
        if (text.charCodeAt(i + 1) === 0x0a) i++;
        this.starts.push(i + 1);
      }
    }
  }
  at(offset: number): SourcePosition {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] ?? 0) + 1 };
  }
}

// ---------------------------------------------------------------------------
// Records

/** One candidate record: an object and the path it is reported under (`data[3]`, `resources.charge`, '' for the root). */
interface Candidate {
  value: JsonValue;
  path: string;
  /** Offset of the value's first character. */
  offset: number;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function joinPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/** Picks the records out of the document according to its shape; throws FormatError when it is none of them. */
function candidates(root: JsonValue, spans: WeakMap<object, NodeSpan>): Candidate[] {
  const memberOffset = (container: object, key: string | number): number => spans.get(container)?.members.get(key) ?? 0;
  const fromArray = (arr: JsonValue[], prefix: string): Candidate[] =>
    arr.map((value, i) => ({ value, path: `${prefix}[${i}]`, offset: memberOffset(arr, i) }));
  if (Array.isArray(root)) return fromArray(root, '');
  if (!isObject(root)) throw new FormatError('not Stripe API JSON: expected an object or an array at the top level');
  // A search answers `search_result`, shaped as a list.
  if (root.object === 'list' || root.object === 'search_result') {
    const data = root.data;
    if (!Array.isArray(data)) throw new FormatError('a Stripe list object needs a "data" array', { line: 1, column: 1 });
    return fromArray(data, 'data');
  }
  if (typeof root.object === 'string') return [{ value: root, path: '', offset: spans.get(root)?.start ?? 0 }];
  const resources = root.resources;
  if (isObject(resources)) {
    const out: Candidate[] = [];
    for (const type of STRIPE_API_OBJECTS) {
      const value = resources[type];
      if (value !== undefined) out.push({ value, path: `resources.${type}`, offset: memberOffset(resources, type) });
    }
    return out;
  }
  throw new FormatError('not Stripe API JSON: the top-level object has no "object" field and no "resources"');
}

/** A rejection raised while mapping one object; caught per record. */
class FieldProblem extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

/** Typed field access on one object that reports problems with the field's path and position. */
class Fields {
  readonly obj: JsonObject;
  private readonly path: string;
  private readonly spans: WeakMap<object, NodeSpan>;

  constructor(obj: JsonObject, path: string, spans: WeakMap<object, NodeSpan>) {
    this.obj = obj;
    this.path = path;
    this.spans = spans;
  }

  private where(key: string): number {
    const span = this.spans.get(this.obj);
    return span?.members.get(key) ?? span?.start ?? 0;
  }

  fail(key: string, message: string): never {
    throw new FieldProblem(`${joinPath(this.path, key)}: ${message}`, this.where(key));
  }

  str(key: string): string | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return v === '' ? null : v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    this.fail(key, `expected text, found ${Array.isArray(v) ? 'an array' : 'an object'}`);
  }

  requiredStr(key: string): string {
    const v = this.str(key);
    if (v === null) this.fail(key, 'is missing');
    return v;
  }

  /** Integer minor units (or unix seconds): JSON numbers only, within the safe integer range. */
  int(key: string): number {
    const v = this.obj[key];
    if (v === undefined || v === null) this.fail(key, 'is missing');
    const minor = parseMinorInteger(v);
    if (minor === null) this.fail(key, `${JSON.stringify(v)} is not a whole number of minor units within the safe range`);
    return minor;
  }

  optionalInt(key: string): number | null {
    const v = this.obj[key];
    return v === undefined || v === null ? null : this.int(key);
  }

  timestamp(key: string): string {
    const v = this.obj[key];
    const iso = typeof v === 'number' && v >= 0 ? isoFromUnix(v) : null;
    if (iso === null) this.fail(key, `${JSON.stringify(v ?? null)} is not a unix timestamp in seconds`);
    return iso;
  }

  currency(): string {
    const raw = this.requiredStr('currency');
    const code = raw.toUpperCase();
    if (!isCurrencyCode(code)) this.fail('currency', `"${raw}" is not a known currency`);
    return code;
  }

  /** A field that is either an id string or an expanded object with an `id`. */
  idOf(key: string): string | null {
    const v = this.obj[key];
    if (typeof v === 'string') return v === '' ? null : v;
    if (isObject(v) && typeof v.id === 'string') return v.id;
    return null;
  }

  /** The object at `key[index]`, reported under that path. */
  element(key: string, index: number, value: JsonObject): Fields {
    return new Fields(value, `${joinPath(this.path, key)}[${index}]`, this.spans);
  }

  /** The same object with one field replaced (an expanded object put where the API gave its id), for mapping only. */
  with(key: string, value: Fields): Fields {
    return new Fields({ ...this.obj, [key]: value.obj }, this.path, this.spans);
  }

  expanded(key: string): Fields | null {
    const v = this.obj[key];
    return isObject(v) ? new Fields(v, joinPath(this.path, key), this.spans) : null;
  }

  nested(...keys: string[]): JsonValue | undefined {
    let v: JsonValue | undefined = this.obj;
    for (const k of keys) {
      if (!isObject(v)) return undefined;
      v = v[k];
    }
    return v;
  }
}

/** Unix seconds → ISO instant, or null when not a whole number of seconds within years 0001-9999. */
function isoFromUnix(seconds: number): string | null {
  try {
    return unixSecondsToIso(seconds);
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

type Attributes = Record<string, string | number | boolean | null>;

function put(attrs: Attributes, key: string, value: JsonValue | undefined): void {
  if (value === undefined || value === null || value === '') return;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') attrs[key] = value;
}

function putMetadata(attrs: Attributes, f: Fields): JsonObject {
  const meta = f.obj.metadata;
  if (!isObject(meta)) return {};
  for (const [k, v] of Object.entries(meta)) put(attrs, `metadata.${k}`, v);
  return meta;
}

function orderRefFrom(meta: JsonObject, description: string | null, attrs: Attributes): string | null {
  for (const key of ['order_id', 'order_number', 'order']) {
    const v = meta[key];
    if (typeof v === 'string' || typeof v === 'number') {
      const ref = normalizeRef(String(v));
      if (ref !== null) {
        attrs.order_ref_source = `metadata.${key}`;
        return ref;
      }
    }
  }
  const fromText = description === null ? null : orderRefFromDescription(description);
  if (fromText !== null) attrs.order_ref_source = 'description';
  return fromText;
}

/** fee/net from an expanded balance transaction, only when it is in the object's own currency. */
function feeAndNet(f: Fields, currency: string, attrs: Attributes): { fee: number | null; net: number | null } {
  const bt = f.expanded('balance_transaction');
  if (bt === null) {
    put(attrs, 'balance_transaction', f.idOf('balance_transaction'));
    return { fee: null, net: null };
  }
  put(attrs, 'balance_transaction', bt.str('id'));
  const btCurrency = bt.currency();
  const fee = bt.int('fee');
  const net = bt.int('net');
  if (btCurrency !== currency) {
    attrs.settlement_currency = btCurrency;
    attrs.settlement_fee_minor = fee;
    attrs.settlement_net_minor = net;
    return { fee: null, net: null };
  }
  return { fee, net };
}

function customerRef(f: Fields): string | null {
  const email = f.nested('billing_details', 'email');
  // Emails fold case (the mailbox is the same); Stripe ids keep theirs.
  if (typeof email === 'string' && email.trim() !== '') return normalizeRef(email.toLowerCase());
  const receipt = f.str('receipt_email');
  if (receipt !== null) return normalizeRef(receipt.toLowerCase());
  return normalizeRef(f.idOf('customer'));
}

/**
 * reporting_category for a balance transaction written before Stripe had that field, from its `type`.
 * Until 2017 a payout to the bank was a `transfer` (tr_ id): a 2014 transfer balance transaction is a payout.
 */
const LEGACY_TYPE_CATEGORY: Record<string, string> = {
  charge: 'charge',
  payment: 'charge',
  refund: 'refund',
  payment_refund: 'refund',
  payout: 'payout',
  transfer: 'payout',
  payout_cancel: 'payout_reversal',
  payout_failure: 'payout_reversal',
  transfer_cancel: 'payout_reversal',
  transfer_failure: 'payout_reversal',
  stripe_fee: 'fee',
};

function categoryOf(f: Fields, amount: number): string {
  const category = f.str('reporting_category');
  if (category !== null) return category;
  const type = f.str('type') ?? 'unknown';
  const legacy = LEGACY_TYPE_CATEGORY[type];
  if (legacy !== undefined) return legacy;
  // Old dispute withdrawals and reinstatements are `adjustment`s whose source is the dispute.
  if (type === 'adjustment' && f.idOf('source')?.startsWith('dp_') === true) return amount < 0 ? 'dispute' : 'dispute_reversal';
  return type;
}

export function mapBalanceTransaction(f: Fields): EventDraftInput {
  const id = f.requiredStr('id');
  const currency = f.currency();
  const amount = f.int('amount');
  const fee = f.int('fee');
  const net = f.int('net');
  if (amount - fee !== net) f.fail('net', `amount ${amount} − fee ${fee} = ${amount - fee}, but net is ${net}`);
  const category = categoryOf(f, amount);
  const kind: EventKind = kindForReportingCategory(category);
  const source = f.idOf('source');
  const attrs: Attributes = {};
  put(attrs, 'description', f.str('description'));
  put(attrs, 'source_id', source);
  put(attrs, 'type', f.str('type'));
  put(attrs, 'reporting_category', category);
  put(attrs, 'status', f.str('status'));
  put(attrs, 'balance_type', f.str('balance_type'));
  put(attrs, 'exchange_rate', f.obj.exchange_rate);
  if (f.obj.available_on !== undefined && f.obj.available_on !== null) attrs.available_on = f.timestamp('available_on');
  // An expanded source tells us the payment intent and the order; a bare id does not.
  const src = f.expanded('source');
  const srcMeta = src === null ? {} : putMetadata(attrs, src);
  const pi = src?.idOf('payment_intent') ?? null;
  const isPayout = category === 'payout' || category === 'payout_reversal';
  return {
    kind,
    external_id: id,
    source_revision: '',
    order_ref: orderRefFrom(srcMeta, null, attrs),
    customer_ref: src === null ? null : customerRef(src),
    payout_ref: isPayout ? normalizeRef(source) : null,
    trace_id: normalizeRef(pi ?? source),
    amount_minor: amount,
    currency,
    fee_minor: fee,
    net_minor: net,
    state: category,
    channel: null,
    occurred_at: f.timestamp('created'),
    local_date: null,
    attributes: attrs,
  };
}

function mapCharge(f: Fields): EventDraftInput {
  const id = f.requiredStr('id');
  const currency = f.currency();
  const amount = f.int('amount');
  const status = f.requiredStr('status');
  const attrs: Attributes = {};
  const description = f.str('description');
  put(attrs, 'description', description);
  put(attrs, 'customer_id', f.idOf('customer'));
  put(attrs, 'payment_intent', f.idOf('payment_intent'));
  put(attrs, 'payment_method_type', f.nested('payment_method_details', 'type'));
  put(attrs, 'card_brand', f.nested('payment_method_details', 'card', 'brand'));
  put(attrs, 'captured', f.obj.captured);
  put(attrs, 'amount_captured', f.optionalInt('amount_captured'));
  put(attrs, 'amount_refunded', f.optionalInt('amount_refunded'));
  put(attrs, 'refunded', f.obj.refunded);
  put(attrs, 'disputed', f.obj.disputed);
  put(attrs, 'statement_descriptor', f.str('calculated_statement_descriptor') ?? f.str('statement_descriptor'));
  put(attrs, 'failure_code', f.str('failure_code'));
  const { fee, net } = feeAndNet(f, currency, attrs);
  const meta = putMetadata(attrs, f);
  return {
    kind: 'payment',
    external_id: id,
    source_revision: status,
    order_ref: orderRefFrom(meta, description, attrs),
    customer_ref: customerRef(f),
    payout_ref: null,
    trace_id: normalizeRef(f.idOf('payment_intent') ?? id),
    amount_minor: amount,
    currency,
    fee_minor: fee,
    net_minor: net,
    state: status,
    channel: null,
    occurred_at: f.timestamp('created'),
    local_date: null,
    attributes: attrs,
  };
}

function mapRefund(f: Fields): EventDraftInput {
  const id = f.requiredStr('id');
  const currency = f.currency();
  const amount = f.int('amount');
  const status = f.requiredStr('status');
  const charge = f.idOf('charge');
  const attrs: Attributes = {};
  const description = f.str('description');
  put(attrs, 'description', description);
  put(attrs, 'charge_id', charge);
  put(attrs, 'payment_intent', f.idOf('payment_intent'));
  put(attrs, 'reason', f.str('reason'));
  put(attrs, 'failure_reason', f.str('failure_reason'));
  const { fee, net } = feeAndNet(f, currency, attrs);
  const meta = putMetadata(attrs, f);
  return {
    kind: 'refund',
    external_id: id,
    source_revision: status,
    order_ref: orderRefFrom(meta, description, attrs),
    customer_ref: normalizeRef(f.idOf('customer')),
    payout_ref: null,
    trace_id: normalizeRef(f.idOf('payment_intent') ?? charge),
    amount_minor: -amount,
    currency,
    fee_minor: fee,
    net_minor: net,
    state: status,
    channel: null,
    occurred_at: f.timestamp('created'),
    local_date: null,
    attributes: attrs,
  };
}

function mapPayout(f: Fields): EventDraftInput {
  const id = f.requiredStr('id');
  const currency = f.currency();
  const amount = f.int('amount');
  const status = f.requiredStr('status');
  const attrs: Attributes = {};
  put(attrs, 'description', f.str('description'));
  put(attrs, 'statement_descriptor', f.str('statement_descriptor'));
  put(attrs, 'destination', f.idOf('destination'));
  put(attrs, 'automatic', f.obj.automatic);
  put(attrs, 'method', f.str('method'));
  put(attrs, 'type', f.str('type'));
  put(attrs, 'failure_code', f.str('failure_code'));
  put(attrs, 'reconciliation_status', f.str('reconciliation_status'));
  put(attrs, 'balance_transaction', f.idOf('balance_transaction'));
  const arrival = f.obj.arrival_date === undefined || f.obj.arrival_date === null ? null : f.timestamp('arrival_date');
  if (arrival !== null) attrs.arrival_date = arrival.slice(0, 10);
  putMetadata(attrs, f);
  return {
    kind: 'payout',
    external_id: id,
    source_revision: status,
    order_ref: null,
    customer_ref: null,
    payout_ref: normalizeRef(id),
    trace_id: normalizeRef(id),
    amount_minor: -amount,
    currency,
    // A payout carries no fee of its own here; an instant-payout fee is its own balance transaction.
    fee_minor: null,
    net_minor: null,
    state: status,
    channel: null,
    occurred_at: f.timestamp('created'),
    local_date: arrival === null ? null : arrival.slice(0, 10),
    attributes: attrs,
  };
}

/** What a dispute says about itself: attributes shared by its events, its trace and order. */
function disputeContext(f: Fields): { attrs: Attributes; trace: string | null; orderRef: string | null; status: string } {
  const status = f.requiredStr('status');
  const charge = f.idOf('charge');
  const attrs: Attributes = {};
  put(attrs, 'charge_id', charge);
  put(attrs, 'payment_intent', f.idOf('payment_intent'));
  put(attrs, 'reason', f.str('reason'));
  put(attrs, 'is_charge_refundable', f.obj.is_charge_refundable);
  put(attrs, 'card_brand', f.nested('payment_method_details', 'card', 'brand'));
  put(attrs, 'network_reason_code', f.nested('payment_method_details', 'card', 'network_reason_code'));
  const dueBy = f.nested('evidence_details', 'due_by');
  const dueByIso = typeof dueBy === 'number' ? isoFromUnix(dueBy) : null;
  if (dueByIso !== null) attrs.evidence_due_by = dueByIso;
  const meta = putMetadata(attrs, f);
  const orderRef = orderRefFrom(meta, null, attrs);
  return { attrs, trace: normalizeRef(f.idOf('payment_intent') ?? charge), orderRef, status };
}

/** The dispute's balance transactions as Fields; an element that is not an object is rejected. */
function disputeBalanceTransactions(f: Fields): Fields[] {
  const list = f.obj.balance_transactions;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) f.fail('balance_transactions', 'expected an array of balance transactions');
  const out: Fields[] = [];
  list.forEach((bt, i) => {
    if (!isObject(bt)) f.fail('balance_transactions', `element ${i} is not a balance transaction object`);
    out.push(f.element('balance_transactions', i, bt));
  });
  return out;
}

export function mapDispute(f: Fields): EventDraftInput[] {
  const id = f.requiredStr('id');
  const currency = f.currency();
  const amount = f.int('amount');
  const ctx = disputeContext(f);
  const bts = disputeBalanceTransactions(f);
  if (bts.length > 0) {
    return bts.map((bt) => {
      const e = mapBalanceTransaction(bt);
      const attrs: Attributes = { ...e.attributes, ...ctx.attrs, dispute_id: id, dispute_status: ctx.status };
      // The disputed amount is in the charge's currency; the balance moved in the settlement currency.
      if (e.currency !== currency)
        Object.assign(attrs, { presentment_amount_minor: Math.sign(e.amount_minor) * amount, presentment_currency: currency });
      return { ...e, trace_id: ctx.trace ?? e.trace_id, order_ref: ctx.orderRef ?? e.order_ref, attributes: attrs };
    });
  }
  return [
    {
      kind: 'dispute',
      external_id: id,
      source_revision: ctx.status,
      order_ref: ctx.orderRef,
      customer_ref: null,
      payout_ref: null,
      trace_id: ctx.trace,
      amount_minor: -amount,
      currency,
      // No balance transaction: nothing was withdrawn yet (an inquiry), so there is no fee either.
      fee_minor: null,
      net_minor: null,
      state: ctx.status,
      channel: null,
      occurred_at: f.timestamp('created'),
      local_date: null,
      attributes: { ...ctx.attrs, balance_transaction_count: 0 },
    },
  ];
}

const MAPPERS: Record<StripeObjectType, (f: Fields) => EventDraftInput | EventDraftInput[]> = {
  balance_transaction: mapBalanceTransaction,
  charge: mapCharge,
  refund: mapRefund,
  payout: mapPayout,
  dispute: mapDispute,
};

function isSupported(type: string): type is StripeObjectType {
  return (STRIPE_API_OBJECTS as readonly string[]).includes(type);
}

function* parseStripeJson(input: ParseInput): Generator<RecordResult> {
  let text = '';
  for (const chunk of input.chunks) text += chunk;
  // Other object types are not money movements; see the module comment.
  yield* parseStripeObjects(text, (f, type) => (isSupported(type) ? MAPPERS[type](f) : null));
}

/** Maps one Stripe object to its events; null when the object yields no record at all (a type that moves no money). */
export type StripeObjectMapper = (f: StripeFields, type: string) => EventDraftInput | EventDraftInput[] | null;

/**
 * Reads Stripe API JSON text (any shape the module comment lists) and maps each object with `mapper`, reporting every
 * record and every rejected field at its line and column. The file format maps with MAPPERS; the Stripe connector
 * (src/main/connectors/stripe/stripePages.ts) maps its pages with what the request adds (the payout they belong to).
 */
export function* parseStripeObjects(text: string, mapper: StripeObjectMapper): Generator<RecordResult> {
  const lines = new LineMap(text);
  const reader = new PositionalJsonReader(text);
  let root: JsonValue;
  try {
    root = reader.readDocument();
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      const at = lines.at(err.offset);
      throw new FormatError(`invalid JSON at line ${at.line} column ${at.column}: ${err.message}`, at);
    }
    throw err;
  }
  for (const c of candidates(root, reader.spans)) {
    const start = lines.at(c.offset);
    const span = typeof c.value === 'object' && c.value !== null ? reader.spans.get(c.value) : undefined;
    const endOffset = span === undefined ? c.offset : Math.max(c.offset, span.end - 1);
    const lineEnd = lines.at(endOffset).line;
    const raw = text.slice(c.offset, span?.end ?? c.offset + 1);
    const label = c.path === '' ? 'the object' : c.path;
    if (!isObject(c.value)) {
      yield { ok: false, position: start, message: `${label} is not an object`, raw, lineEnd };
      continue;
    }
    const type = c.value.object;
    if (typeof type !== 'string') {
      yield { ok: false, position: start, message: `${label} has no "object" field naming its Stripe type`, raw, lineEnd };
      continue;
    }
    try {
      const mapped = mapper(new Fields(c.value, c.path, reader.spans), type);
      if (mapped === null) continue;
      yield { ok: true, events: Array.isArray(mapped) ? mapped : [mapped], lineStart: start.line, lineEnd };
    } catch (err) {
      if (!(err instanceof FieldProblem)) throw err;
      yield { ok: false, position: lines.at(err.offset), message: err.message, raw, lineEnd };
    }
  }
}

// A list page of customers also says "object":"list"; only a supported type (or a fixture bundle) counts.
const DETECT_OBJECT_RE = new RegExp(`"object"\\s*:\\s*"(?:${STRIPE_API_OBJECTS.join('|')})"`);

export const stripeApiJsonParser: FormatParser = {
  kinds: ['payment', 'refund', 'fee', 'payout', 'dispute', 'adjustment'],
  format: 'stripe-api-json',
  // 2: a dispute yields its balance transactions (withdrawal with fee, reinstatement); a 2014 `transfer` is a payout.
  version: 2,
  description: 'Stripe API JSON: list pages, arrays or single balance transactions, charges, refunds, payouts and disputes',
  detect(head: string): boolean {
    const trimmed = head.trimStart();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return false;
    if (/^\{\s*"resources"\s*:\s*\{/.test(trimmed)) return true;
    return DETECT_OBJECT_RE.test(trimmed);
  },
  parse: parseStripeJson,
};

/** One Stripe object's typed fields (what a StripeObjectMapper reads). */
export type StripeFields = Fields;
