// A class B exception in remediation on one event, as the engine raises it (through the one exceptions store), for the
// remediation tests to ask a provider about.
import type { Workspace } from '../../../src/main/workspace/workspace.ts';
import type { ExceptionCode } from '../../../src/shared/rules/ruleSet.ts';
import { ExceptionStore } from '../../../src/main/exceptions/exceptionStore.ts';
import { JournalWriter } from '../../../src/main/ledger/journal.ts';

export function openClassB(ws: Workspace, id: string, code: ExceptionCode, eventSeq: number, amount = -1000): void {
  ws.db.transaction(() => {
    new ExceptionStore(ws.db, new JournalWriter(ws.db)).put(
      {
        exceptionId: id,
        code,
        amount,
        currency: 'USD',
        eventSeqs: [eventSeq],
        rule: null,
        explanation: {
          rule_id: null,
          rule_set_id: null,
          rule_version: null,
          strategy: null,
          link: null,
          summary: `${code} (test)`,
          keys: [],
          amount_delta_minor: null,
          time_delta_hours: null,
          score: null,
          runners_up: [],
          policy: 'class B',
        },
        classified: {
          defaultClass: 'B',
          cls: 'B',
          state: 'in_remediation',
          policyGated: false,
          dueAt: '2099-01-01T00:00:00Z',
          policy: 'class B: remediation window',
        },
        journalExtra: {},
      },
      { actor: 'system:engine', now: new Date().toISOString(), runId: null },
    );
  })();
}

/** The remediation calls journaled on exceptions: subject, outcome and payload, by subject. */
export function remediationCalls(ws: Workspace): Array<{ subject_id: string; reason: string; payload: Record<string, unknown> }> {
  return (
    ws.db
      .prepare("SELECT subject_id, reason, payload FROM journal WHERE entry_type = 'exception.remediation' ORDER BY subject_id, seq")
      .all() as Array<{ subject_id: string; reason: string; payload: string }>
  ).map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }));
}
