// What every CLI command shares: output streams, argument parsing, the acting user, usage errors.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { userInfo } from 'node:os';
import { readFileSync } from 'node:fs';
import { parseRuleSet, type RuleSet } from '../../shared/rules/ruleSet.ts';
import { UserError } from '../../shared/errors/userError.ts';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when progress lines may be drawn on stderr. */
  interactive: boolean;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  interactive: process.stderr.isTTY === true,
};

/** Bad usage: exit code 2 with the message and a pointer to --help. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

export function parse(args: string[], options: ParseArgsOptionsConfig, minPositionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.positionals.length < minPositionals) throw new UsageError('missing arguments');
  return parsed;
}

export function actor(): string {
  try {
    return `user:${userInfo().username}`;
  } catch {
    return 'user:unknown';
  }
}

/** Reads and validates a rule set file for --rules. */
export function loadRuleSet(path: string): RuleSet {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`${path}: cannot read the rule set (${(err as Error).message})`);
  }
  const parsed = parseRuleSet(json);
  if (!parsed.ok) throw new UsageError(`${path}: ${parsed.errors.join('; ')}`);
  return parsed.ruleSet;
}
