// The editor's draft of a rule set: plain JSON edited through the per-rule form or as text, validated on every change
// against the shared schema (src/shared/rules/ruleSet.ts) the services validate with, each error kept under its JSON
// path so the form shows it at the field.
import { RuleSetSchema, type RuleSet } from '../../../../shared/rules/ruleSet.ts';
import { jsonErrorAt } from './jsonErrorAt.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Draft = { [key: string]: Json };
export type Path = ReadonlyArray<string | number>;

export type Validation = { ok: true; ruleSet: RuleSet; errors: Map<string, string> } | { ok: false; errors: Map<string, string> };

export function pathKey(path: Path): string {
  return path.join('.');
}

/** Every problem of the draft, by JSON path (`rules.2.amount.tolerance_minor`); the first message per path. */
export function validateDraft(draft: unknown): Validation {
  const parsed = RuleSetSchema.safeParse(draft);
  if (parsed.success) return { ok: true, ruleSet: parsed.data, errors: new Map() };
  const errors = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    const key = pathKey(issue.path as Path) || '(root)';
    if (!errors.has(key)) errors.set(key, issue.message);
  }
  return { ok: false, errors };
}

/** The errors at `path` or below it (a rule's errors, a side's errors), each with the rest of its path. */
export function errorsUnder(errors: Map<string, string>, path: Path): Array<[string, string]> {
  const prefix = pathKey(path);
  return [...errors].filter(([k]) => k === prefix || k.startsWith(`${prefix}.`)).map(([k, m]) => [k.slice(prefix.length + 1), m]);
}

/** A copy of `draft` with the value at `path` set (undefined removes the key: the schema's default then applies). */
export function setAt(draft: Draft, path: Path, value: Json | undefined): Draft {
  const copy = structuredClone(draft) as Draft;
  let node = copy as Record<string | number, Json>;
  for (let i = 0; i < path.length - 1; i++) {
    const step = path[i] as string | number;
    const next = node[step];
    if (next === undefined || next === null || typeof next !== 'object') node[step] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[step] as Record<string | number, Json>;
  }
  const last = path[path.length - 1] as string | number;
  if (value !== undefined) node[last] = value;
  else if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
  else delete node[last];
  return copy;
}

export function getAt(draft: Json | undefined, path: Path): Json | undefined {
  let node: Json | undefined = draft;
  for (const step of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, Json>)[step];
  }
  return node;
}

/**
 * What a number field's text puts in the draft: a number when it reads as one, nothing when empty (the schema's default,
 * or its "Required"), else the text itself, so the schema's "expected number" appears at the field.
 */
export function numberFromText(text: string): Json | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

/** A comma-separated list (kinds, sources) as the draft's array; empty text is no list. */
export function listFromText(text: string): Json[] | undefined {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return items.length === 0 ? undefined : items;
}

export function textOf(value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The JSON view's text read back: the draft, or where the text stops being JSON ("line 3, column 7: …"). */
export function draftFromText(text: string): { ok: true; draft: Draft } | { ok: false; error: string } {
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return { ok: false, error: 'a rule set is a JSON object ({ "format": "tieout-rules", … })' };
    return { ok: true, draft: value as Draft };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const offset = jsonErrorAt(text);
    if (offset === null) return { ok: false, error: message };
    const before = text.slice(0, offset).split('\n');
    const found = offset >= text.length ? 'the text ends too early' : `unexpected ${JSON.stringify(text[offset])}`;
    return { ok: false, error: `line ${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1}: ${found}` };
  }
}

export function draftText(draft: Draft): string {
  return `${JSON.stringify(draft, null, 2)}\n`;
}

/** The rules whose definition differs from the base (what the reason explains), by id. */
export function changedRules(base: Draft, draft: Draft): string[] {
  const rulesOf = (d: Draft) => (Array.isArray(d['rules']) ? (d['rules'] as Json[]) : []);
  const before = new Map(rulesOf(base).map((r) => [textOf(getAt(r, ['id'])), JSON.stringify(r)]));
  return rulesOf(draft)
    .filter((r) => before.get(textOf(getAt(r, ['id']))) !== JSON.stringify(r))
    .map((r) => textOf(getAt(r, ['id'])));
}
