// An exception's states (DESIGN §6), and which of them still need someone (or new data): one definition for the
// engine, the queries, the exports, the contract and the screens.
export const EXCEPTION_STATES = ['open', 'in_remediation', 'assigned', 'resolved', 'reopened'] as const;
export type ExceptionState = (typeof EXCEPTION_STATES)[number];

/** States that still need someone (or new data); `resolved` and ended exceptions are not open. */
export const OPEN_EXCEPTION_STATES: readonly ExceptionState[] = ['open', 'in_remediation', 'assigned', 'reopened'];

/** The open states as an SQL list: `'open', 'in_remediation', …`. */
export const OPEN_STATES_SQL = OPEN_EXCEPTION_STATES.map((s) => `'${s}'`).join(', ');
