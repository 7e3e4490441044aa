// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { balance, counterpartKinds, planManualMatch, sideOf, type MatchLink } from '../../src/renderer/src/screens/exceptions/manualMatchPlan.ts';
import { ManualMatchForm } from '../../src/renderer/src/screens/exceptions/ManualMatchForm.tsx';
import { renderInApp } from './appHarness.tsx';
import { callsOf, eventDetail, eventLine, exceptionDetailFixture, setupStore } from './exceptionsFixtures.ts';

afterEach(cleanup);

const raw = { fileName: 'f.csv', text: 'x', line: 2 };
const bankPayout: MatchLink = {
  link: 'bank_payout',
  left: { kinds: ['payout'], sources: ['stripe:main'] },
  right: { kinds: ['bank_credit', 'bank_debit'], sources: [] },
};
const payoutItems: MatchLink = {
  link: 'payout_items',
  left: { kinds: ['payout'], sources: [] },
  right: { kinds: ['payment', 'refund', 'fee'], sources: [] },
};

describe('manual match plan', () => {
  it('puts each chosen event on the side of the link that takes its kind', () => {
    const credit = eventLine('ev-b', 'bank_credit', 'b-1', 70_911, 'bank:main');
    const payout = eventLine('ev-po', 'payout', 'po_1', -70_911);
    expect(sideOf(bankPayout, 'payout')).toBe('left');
    expect(sideOf(bankPayout, 'bank_credit')).toBe('right');
    expect(sideOf(bankPayout, 'order')).toBeNull();
    expect(planManualMatch(bankPayout, [credit, payout])).toEqual({
      ok: true,
      plan: { link: 'bank_payout', leftEventIds: ['ev-po'], rightEventIds: ['ev-b'] },
    });
  });

  it('searches the kinds of the side the exception’s own events are not on', () => {
    expect(counterpartKinds(bankPayout, [eventLine('ev-b', 'bank_credit', 'b', 1)])).toEqual(['payout']);
    expect(counterpartKinds(bankPayout, [eventLine('ev-po', 'payout', 'p', -1)])).toEqual(['bank_credit', 'bank_debit']);
    // Own events on both sides (a tie of payouts and bank lines): either side may still be missing something.
    expect(counterpartKinds(bankPayout, [eventLine('ev-po', 'payout', 'p', -1), eventLine('ev-b', 'bank_credit', 'b', 1)])).toEqual([
      'payout',
      'bank_credit',
      'bank_debit',
    ]);
  });

  it('keeps a running balance in the display sign convention: a payout and the bank line that received it agree', () => {
    const payout = eventLine('ev-po', 'payout', 'po_1', -70_911);
    const credit = eventLine('ev-b', 'bank_credit', 'b-1', 70_911, 'bank:main');
    expect(balance(bankPayout, [payout, credit])).toEqual({
      left: { count: 1, totals: [{ currency: 'USD', amountMinor: 70_911 }] },
      right: { count: 1, totals: [{ currency: 'USD', amountMinor: 70_911 }] },
      difference: [{ currency: 'USD', amountMinor: 0 }],
      unplaced: [],
    });
    const items = [eventLine('ev-1', 'payment', 'ch_1', 50_000), eventLine('ev-2', 'fee', 'fee_1', -1_450)];
    expect(balance(payoutItems, [payout, ...items]).difference).toEqual([{ currency: 'USD', amountMinor: 70_911 - 48_550 }]);
  });

  it('refuses a plan without both sides or with an event no side takes', () => {
    const credit = eventLine('ev-b', 'bank_credit', 'b-1', 100, 'bank:main');
    const one = planManualMatch(bankPayout, [credit]);
    expect(!one.ok && one.error).toMatch(/at least one event on each side \(payout ↔ bank_credit or bank_debit\)/);
    const stray = planManualMatch(bankPayout, [credit, eventLine('ev-o', 'order', 'ord-1', 100)]);
    expect(!stray.ok && stray.error).toMatch(/order ord-1 has no side in bank_payout/);
  });
});

describe('ManualMatchForm', () => {
  const credit = eventLine('ev-b', 'bank_credit', 'b-1', 125_000, 'bank:main');
  const payout = { ...eventLine('ev-po', 'payout', 'po_9', -125_000), businessDate: '2024-03-04', matchedIn: null };

  it('matches an unknown bank line to a payout the person searched for, with the balance and the reason', async () => {
    const detail = exceptionDetailFixture({
      exception: { ...exceptionDetailFixture().exception, code: 'UNKNOWN_BANK_LINE', events: [credit], eventCount: 1 },
      events: [eventDetail(credit, raw)],
      candidates: [],
      matchLinks: [bankPayout],
    });
    const { fake, store } = await setupStore({
      'events.search': () => ({ rows: [payout], totalRows: 1 }),
      'matches.manual': () => ({ matchId: 'mm_1' }),
      'exceptions.detail': () => detail,
    });
    let done = false;
    renderInApp(fake, store, <ManualMatchForm detail={detail} onDone={() => (done = true)} />);
    expect(screen.getByText('The engine has nothing to suggest in this link: search the ledger below.')).toBeTruthy();
    const search = screen.getByRole('region', { name: 'Search the ledger' });
    fireEvent.change(within(search).getByLabelText('Amount from'), { target: { value: '1,250.00' } });
    fireEvent.click(within(search).getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(callsOf(fake, 'events.search')).toHaveLength(1));
    expect(callsOf(fake, 'events.search')[0]?.request).toMatchObject({
      kinds: ['payout'],
      sources: ['stripe:main'],
      currency: 'USD',
      amountMinMinor: 125_000,
      link: 'bank_payout',
      freeOnly: true,
    });
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Pick payout po_9' }));
    const running = screen.getByRole('status', { name: 'Running balance' });
    expect(running.textContent).toContain('Difference 0.00 USD — the sides agree');
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: 'Remittance names the payout' } });
    fireEvent.click(screen.getByRole('button', { name: 'Match 2 events' }));
    await waitFor(() => expect(done).toBe(true));
    expect(callsOf(fake, 'matches.manual')[0]?.request).toEqual({
      link: 'bank_payout',
      leftEventIds: ['ev-po'],
      rightEventIds: ['ev-b'],
      reason: 'Remittance names the payout',
    });
  });

  it('ticks none of several own events for the person, and marks a difference that needs attention', async () => {
    const tie = exceptionDetailFixture({
      events: [eventDetail(eventLine('ev-po', 'payout', 'po_1', -40_000), raw), eventDetail(eventLine('ev-po2', 'payout', 'po_2', -40_000), raw)],
      candidates: [{ event: credit, link: 'bank_payout', side: 'right', score: 0.9, reasons: ['same amount 400.00 USD'] }],
      matchLinks: [bankPayout],
    });
    const { fake, store } = await setupStore({});
    renderInApp(fake, store, <ManualMatchForm detail={tie} onDone={() => undefined} />);
    const own = screen.getByRole('table', { name: 'Events of this exception' });
    expect(
      within(own)
        .getAllByRole('checkbox')
        .map((b) => (b as HTMLInputElement).checked),
    ).toEqual([false, false]);
    fireEvent.click(within(own).getByRole('checkbox', { name: 'Include payout po_1' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Pick bank_credit b-1' }));
    const difference = screen.getByRole('status', { name: 'Running balance' }).querySelector('.attention');
    expect(difference?.textContent).toBe('-850.00 USD');
  });
});
