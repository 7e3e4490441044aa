// @vitest-environment happy-dom
// The Rules screen's parts over the contract-checked fake API: the editor's draft validated live against the shared
// schema (errors at the field and by JSON path, JSON that does not parse named by line and column), saving in shadow
// with a reason; a canary's figures, widened and rolled back in one action each; promotion refused with what is missing.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ApiError, type ResponseOf } from '../../src/shared/api/contract.ts';
import { DEFAULT_RULE_SET } from '../../src/shared/rules/defaultRuleSet.ts';
import { RuleEditor } from '../../src/renderer/src/screens/rules/RuleEditor.tsx';
import { RulesScreen } from '../../src/renderer/src/screens/RulesScreen.tsx';
import { draftFromText, getAt, numberFromText, setAt, validateDraft, type Draft } from '../../src/renderer/src/screens/rules/ruleDraft.ts';
import { appOver, renderInApp } from './appHarness.tsx';

afterEach(cleanup);

const rules = structuredClone(DEFAULT_RULE_SET) as unknown as Draft;

describe('the rule draft', () => {
  it('keeps each schema error under its JSON path, and sets values by path without touching the rest', () => {
    const edited = setAt(rules, ['rules', 0, 'amount', 'rounding_minor'], -1);
    expect(getAt(rules, ['rules', 0, 'amount', 'rounding_minor'])).toBe(DEFAULT_RULE_SET.rules[0]?.amount.rounding_minor);
    const v = validateDraft(setAt(edited, ['rules', 1, 'priority'], 'first'));
    expect(v.ok).toBe(false);
    expect([...v.errors.keys()]).toEqual(['rules.0.amount.rounding_minor', 'rules.1.priority']);
    expect(validateDraft(setAt(rules, ['rules', 0, 'keys', 0], undefined)).ok).toBe(true);
    expect(validateDraft(rules).ok).toBe(true);
  });

  it('reads number fields as numbers, empty as absent, anything else as text the schema refuses', () => {
    expect([numberFromText(' 5 '), numberFromText(''), numberFromText('0.5'), numberFromText('5 cents')]).toEqual([5, undefined, 0.5, '5 cents']);
  });

  it('names where JSON text stops parsing by line and column', () => {
    const r = draftFromText('{\n  "format": "tieout-rules",\n  "rules": [,]\n}');
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).toBe('line 3, column 13: unexpected ","');
    const cut = draftFromText('{"rules": [');
    expect(cut.ok ? '' : cut.error).toBe('line 1, column 12: the text ends too early');
  });
});

describe('the editor', () => {
  function setup() {
    const created: unknown[] = [];
    const { fake, store } = appOver({
      'rules.definition': () => ({ version: 'default@4', ruleSet: rules }),
      'rules.create': (r) => {
        created.push(r);
        return {
          version: 'workspace@1',
          state: 'shadow',
          laneError: null,
          run: { matchesCreated: 3, matchesEnded: 0, exceptionsOpened: 1, exceptionsClosed: 0 },
        };
      },
      'rules.versions': () => ({ versions: [], inForce: 'default@4', active: 'default@4', canary: null, rollbackTo: null }),
      'rules.compare': () => {
        throw new ApiError({ kind: 'internal', message: 'not in this test', field: null });
      },
    });
    renderInApp(fake, store, <RuleEditor />);
    return { created, store };
  }

  it('shows a wrong value at its field and refuses to save until it is fixed, then saves in shadow with the reason', async () => {
    const { created } = setup();
    const form = await screen.findByRole('group', { name: 'Rule order-payment.exact-key' });
    const rounding = within(form).getByLabelText('Rounding (minor units)') as HTMLInputElement;
    fireEvent.change(rounding, { target: { value: 'five' } });
    expect(within(form).getByRole('alert').textContent).toMatch(/number/i);
    expect(rounding.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert', { name: 'Problems' }).textContent).toContain('rules.0.amount.rounding_minor');
    fireEvent.change(screen.getByLabelText('Reason for the new version'), { target: { value: 'to the cent' } });
    expect((screen.getByRole('button', { name: 'Save as a shadow version' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(rounding, { target: { value: '0' } });
    expect(screen.queryByRole('alert', { name: 'Problems' })).toBeNull();
    expect(screen.getByText(/Edited: order-payment\.exact-key\./)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Save as a shadow version' }));
    await waitFor(() => expect(created).toHaveLength(1));
    const request = created[0] as { ruleSet: Draft; reason: string; basedOn: string };
    expect([request.reason, request.basedOn, getAt(request.ruleSet, ['rules', 0, 'amount', 'rounding_minor'])]).toEqual([
      'to the cent',
      'default@4',
      0,
    ]);
  });

  it('validates the JSON view as it is typed, naming where it stops parsing', async () => {
    setup();
    await screen.findByRole('group', { name: 'Rule order-payment.exact-key' });
    fireEvent.click(screen.getByRole('radio', { name: 'JSON' }));
    const text = screen.getByLabelText('Rule set JSON') as HTMLTextAreaElement;
    fireEvent.change(text, { target: { value: text.value.replace('"priority": 10', '"priority": ten') } });
    expect(screen.getByRole('alert', { name: 'Problems' }).textContent).toMatch(/\(JSON\): line \d+, column \d+: unexpected "e"/);
    expect((screen.getByRole('radio', { name: 'Form' }) as HTMLInputElement).disabled).toBe(true);
    fireEvent.change(text, { target: { value: text.value.replace('"priority": ten', '"priority": "ten"') } });
    expect(screen.getByRole('alert', { name: 'Problems' }).textContent).toContain('rules.0.priority');
  });
});

describe('the versions and the canary', () => {
  const versions: ResponseOf<'rules.versions'> = {
    versions: [
      {
        version: 'workspace@2',
        ruleSetId: 'workspace',
        number: 2,
        name: 'edited',
        state: 'canary',
        createdAt: '2026-10-01T10:00:00.000Z',
        createdBy: 'user:ana',
        reason: 'rounding',
        stateReason: 'try on stripe',
        stateSince: '2026-10-02T10:00:00.000Z',
        stateBy: 'user:ana',
        scope: { sources: ['stripe'], codes: [] },
        inForce: true,
      },
      {
        version: 'default@4',
        ruleSetId: 'default',
        number: 4,
        name: 'default',
        state: 'active',
        createdAt: '2026-09-01T10:00:00.000Z',
        createdBy: 'system:engine',
        reason: 'shipped',
        stateReason: null,
        stateSince: null,
        stateBy: null,
        scope: null,
        inForce: false,
      },
      {
        version: 'workspace@3',
        ruleSetId: 'workspace',
        number: 3,
        name: 'edited again',
        state: 'shadow',
        createdAt: '2026-10-03T10:00:00.000Z',
        createdBy: 'user:ana',
        reason: 'wider window',
        stateReason: 'wider window',
        stateSince: '2026-10-03T10:00:00.000Z',
        stateBy: 'user:ana',
        scope: null,
        inForce: false,
      },
    ],
    inForce: 'workspace@2',
    active: 'default@4',
    canary: {
      version: 'workspace@2',
      previous: 'default@4',
      scope: { sources: ['stripe'], codes: [] },
      since: '2026-10-02T10:00:00.000Z',
      autoResolved: 12,
      heldForPeople: 3,
      reopened: 1,
    },
    rollbackTo: 'default@4',
  };
  const comparison: ResponseOf<'rules.compare'> = {
    summary: { version: 'workspace@3', live: 'workspace@2', diffs: 0, byCategory: [], byRule: [], laneAsOf: null, liveAsOf: null },
    grading: {
      decisions: 0,
      agreed: 0,
      agreement: null,
      restsOn: 0,
      overturned: 0,
      falsePositiveRate: null,
      live: { decisions: 0, agreed: 0, agreement: null, restsOn: 0, overturned: 0, falsePositiveRate: null },
    },
    window: {
      policy: { min_observation_days: 14, min_observation_events: null, max_false_positive_rate: 0.05, min_graded_decisions: 0 },
      since: null,
      observedDays: 2,
      observedEvents: 40,
      met: false,
      missing: ['observed 2 of the 14 days of business time the window needs'],
    },
  };

  it('shows the canary’s figures, widens it and rolls it back, each with a reason', async () => {
    const calls: Array<[string, unknown]> = [];
    const { fake, store } = appOver({
      'rules.versions': () => versions,
      'rules.compare': () => comparison,
      'rules.diffs': () => ({ rows: [], totalRows: 0 }),
      'rules.promote': (r) => {
        calls.push(['promote', r]);
        return {
          version: 'workspace@2',
          state: 'canary',
          previous: 'default@4',
          overridden: false,
          missing: [],
          run: { matchesCreated: 0, matchesEnded: 0, exceptionsOpened: 0, exceptionsClosed: 0 },
        };
      },
      'rules.rollback': (r) => {
        calls.push(['rollback', r]);
        return {
          version: 'default@4',
          rolledBack: 'workspace@2',
          run: { matchesCreated: 0, matchesEnded: 0, exceptionsOpened: 0, exceptionsClosed: 0 },
        };
      },
    });
    renderInApp(fake, store, <RulesScreen />);
    const canary = await screen.findByRole('region', { name: 'Canary' });
    expect(canary.textContent).toContain('workspace@2 auto-resolves only in stripe');
    expect(
      within(canary)
        .getAllByText(/^\d+$/)
        .map((n) => n.textContent),
    ).toEqual(['12', '3', '1']);
    const widen = within(canary).getByRole('form', { name: 'Widen the canary' });
    fireEvent.change(within(widen).getByLabelText('Wider scope (sources, codes)'), { target: { value: 'stripe, paypal' } });
    fireEvent.change(within(widen).getByLabelText('Reason'), { target: { value: 'no reopen in a week' } });
    fireEvent.click(within(widen).getByRole('button', { name: 'Widen the canary' }));
    await waitFor(() => expect(calls).toHaveLength(1));
    const back = within(canary).getByRole('form', { name: 'Roll back the canary' });
    fireEvent.change(within(back).getByLabelText('Reason'), { target: { value: 'reopens on paypal' } });
    fireEvent.click(within(back).getByRole('button', { name: 'Roll back the canary' }));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls).toEqual([
      ['promote', { version: 'workspace@2', reason: 'no reopen in a week', canary: 'stripe, paypal' }],
      ['rollback', { reason: 'reopens on paypal' }],
    ]);
    // The shadow version is the one compared; its window is not met, so the promotion form says so before trying.
    await screen.findByRole('region', { name: 'Comparison' });
    expect(screen.getByRole('form', { name: 'Promote' }).textContent).toContain('promotion will be refused unless overridden');
    // Under a canary there is no separate rollback of the active version.
    expect(screen.queryByRole('form', { name: 'Roll back to default@4' })).toBeNull();
  });
});
