// How an exception is classified when derived: its class (A auto-resolve, B remediation, C human), state, due time and the policy gate.
import { DEFAULT_EXCEPTION_CLASS, type ExceptionClass, type RuleSet } from '../../../shared/rules/ruleSet.ts';
import type { DesiredException } from './model.ts';
import { currencyExponent } from '../../../shared/money/currencies.ts';
import { minorToDecimalString } from '../../../shared/money/amountText.ts';
import type { WorkspaceSettings } from '../../../shared/workspace/settings.ts';
import { DAY_MS } from '../../../shared/time/duration.ts';

export interface Classified {
  defaultClass: ExceptionClass;
  cls: ExceptionClass;
  state: 'open' | 'in_remediation' | 'resolved';
  policyGated: boolean;
  dueAt: string | null;
  policy: string;
}

/** DESIGN §6: without a configured gate, 1,000 in the workspace currency (100000 USD cents, 1000 JPY, 1000000 KWD fils). */
export const DEFAULT_POLICY_GATE_MAJOR = 1000;

/** The policy gate in minor units of the reporting currency: workspace.json's `policy_gate_minor`, else 1,000 major units. */
export function policyGateMinor(settings: Pick<WorkspaceSettings, 'policy_gate_minor' | 'reporting_currency'>): number {
  return settings.policy_gate_minor ?? DEFAULT_POLICY_GATE_MAJOR * 10 ** currencyExponent(settings.reporting_currency);
}

/** The gate as an accountant reads it in an explanation: "1000.00 USD". */
export function policyGateText(gateMinor: number, currency: string): string {
  return `${minorToDecimalString(gateMinor, currency)} ${currency}`;
}

/**
 * Class A → resolved by the system; class B → in_remediation until due_at (event time + remediation_days),
 * then class C open once the ledger's as-of time passes it. The policy gate (|amount| > gate, only when the
 * exception's currency is the reporting currency: without an FX basis we do not convert) makes it class C.
 */
export function classify(
  x: Pick<DesiredException, 'code' | 'currency' | 'amount' | 't'>,
  ruleSet: RuleSet,
  reportingCurrency: string,
  gateMinor: number,
  asOfMs: number,
): Classified {
  const defaultClass = DEFAULT_EXCEPTION_CLASS[x.code];
  const sameCurrency = x.currency === reportingCurrency;
  const gated = sameCurrency && Math.abs(x.amount) > gateMinor;
  const policy = !sameCurrency
    ? `policy gate not applied: ${x.currency} is not the reporting currency ${reportingCurrency} and no FX basis is recorded`
    : gated
      ? `above the policy gate of ${policyGateText(gateMinor, reportingCurrency)}: a person signs off`
      : `within the policy gate of ${policyGateText(gateMinor, reportingCurrency)}`;
  if (gated) return { defaultClass, cls: 'C', state: 'open', policyGated: true, dueAt: null, policy };
  if (defaultClass === 'A') return { defaultClass, cls: 'A', state: 'resolved', policyGated: false, dueAt: null, policy };
  if (defaultClass === 'B') {
    const due = x.t + ruleSet.settings.remediation_days * DAY_MS;
    const dueAt = new Date(due).toISOString();
    if (asOfMs > due) return { defaultClass, cls: 'C', state: 'open', policyGated: false, dueAt, policy };
    return { defaultClass, cls: 'B', state: 'in_remediation', policyGated: false, dueAt, policy };
  }
  return { defaultClass, cls: 'C', state: 'open', policyGated: false, dueAt: null, policy };
}

/**
 * A class A finding a person must look at after all (a canary version outside its scope, DESIGN §8): class C, open,
 * the policy text saying why. `why` null: the classification stands.
 */
export function holdForPerson(c: Classified, why: string | null): Classified {
  if (why === null || c.cls !== 'A') return c;
  return { ...c, cls: 'C', state: 'open', policy: `${c.policy}; ${why}` };
}
