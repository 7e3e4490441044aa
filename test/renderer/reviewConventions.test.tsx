// @vitest-environment happy-dom
// The conventions every review screen shares: one display sign stated once, red only for attention, calendar dates
// that no time zone moves, durations and scores in words, a match's deciding keys first, no reason said twice.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { Amount } from '../../src/renderer/src/components/Amount.tsx';
import { SignConvention } from '../../src/renderer/src/components/SignConvention.tsx';
import { EventDetailView } from '../../src/renderer/src/components/EventDetailView.tsx';
import { ExplanationView } from '../../src/renderer/src/components/ExplanationView.tsx';
import { HistoryList } from '../../src/renderer/src/components/HistoryList.tsx';
import { formatAge, formatDate, formatDuration, formatScore } from '../../src/renderer/src/format/formatters.ts';
import { displayMinor } from '../../src/shared/review/displaySign.ts';
import { renderInApp } from './appHarness.tsx';
import { eventDetail, eventLine, exceptionDetailFixture, setupStore, workspaceUsd } from './exceptionsFixtures.ts';

afterEach(cleanup);

describe('display sign convention', () => {
  it('shows a payout from the business’s side, positive like the bank line that receives it', () => {
    expect(displayMinor('payout', -70_911)).toBe(70_911);
    expect(displayMinor('bank_credit', 70_911)).toBe(70_911);
    expect(displayMinor('refund', -1_500)).toBe(-1_500);
    // A payout pulling money from the bank is positive on the processor's balance: money out, shown negative.
    expect(displayMinor('payout', 2_000)).toBe(-2_000);
  });

  it('marks money out with a minus sign only; red is for attention', async () => {
    const { fake, store } = await setupStore({});
    renderInApp(
      fake,
      store,
      <>
        <Amount minor={-70_911} currency="USD" kind="payout" />
        <Amount minor={-1_500} currency="USD" />
        <Amount minor={-120} currency="USD" attention />
        <Amount minor={-400} currency="USD" magnitude />
      </>,
    );
    const shown = [...document.querySelectorAll('.amount')].map((a) => [a.textContent, a.classList.contains('attention')]);
    expect(shown).toEqual([
      ['709.11 USD', false],
      ['-15.00 USD', false],
      ['-1.20 USD', true],
      ['4.00 USD', false],
    ]);
  });

  it('is stated once, in words, on demand', async () => {
    const { fake, store } = await setupStore({});
    renderInApp(fake, store, <SignConvention />);
    const button = screen.getByRole('button', { name: 'Amounts: + in · − out' });
    fireEvent.click(button);
    expect(screen.getByRole('note').textContent).toMatch(
      /money in is positive, money out negative\. A payout .* shows positive.*Red marks only what needs attention\./,
    );
  });
});

describe('dates, durations and scores', () => {
  it('shows a calendar date as that day whatever the time zone', () => {
    expect(formatDate('2026-10-06', 'en-US')).toBe('Oct 06, 2026');
    expect(formatDate('2026-10-06', 'de-DE')).toBe('06. Okt. 2026');
    expect(formatDate('2026-10-06', 'en-US', { short: true })).toBe('Oct 06');
  });

  it('says durations in days, hours and minutes, and scores as percentages', () => {
    expect(formatDuration(26.216667)).toBe('1 d 2 h');
    expect(formatDuration(0.5)).toBe('30 min');
    expect(formatDuration(2.5)).toBe('2 h 30 min');
    expect(formatDuration(-49.6)).toBe('2 d 1 h');
    expect(formatDuration(0)).toBe('0 h');
    expect(formatAge(34.72)).toBe('34 d 17 h');
    expect(formatAge(34.72, { compact: true })).toBe('34 d');
    expect(formatAge(0.25, { compact: true })).toBe('6 h');
    expect(formatScore(0.833331)).toBe('83%');
    expect(formatScore(null)).toBe('—');
  });

  it('shows a bank line’s booking date as written, never an instant moved through a time zone', async () => {
    // Booked on Oct 06 by a Berlin bank: the instant is Oct 05 22:00 UTC, Oct 05 18:00 in New York.
    const { fake, store } = await setupStore({}, { ...workspaceUsd, timeZone: 'America/New_York' });
    const line = { ...eventLine('ev-b', 'bank_debit', 'b-7', -240_000, 'bank:berlin'), occurredAt: '2026-10-05T22:00:00Z', localDate: '2026-10-06' };
    const event = { ...eventDetail(line, { fileName: 'bank.csv', text: '06.10.2026;Office rent', line: 6 }), localDate: '2026-10-06' };
    renderInApp(fake, store, <EventDetailView event={event} />);
    const fields = document.querySelector('dl.fields')?.textContent ?? '';
    expect(fields).toContain('Booking dateOct 06, 2026');
    expect(fields).not.toContain('Oct 05');
    expect(fields).toContain('CounterpartyACME GmbH');
  });
});

describe('explanation and history', () => {
  const explanation = {
    ...exceptionDetailFixture().explanation,
    keys: [
      { leftField: 'order_ref', rightField: 'order_ref', leftValue: '1001', rightValue: '1001', compare: 'equal', value: 1, agreed: true },
      { leftField: 'trace_id', rightField: 'trace_id', leftValue: 'pi_9', rightValue: 'pi_3', compare: 'equal', value: 0, agreed: false },
      {
        leftField: 'customer_ref',
        rightField: 'customer_ref',
        leftValue: 'ada@x',
        rightValue: 'ada@y',
        compare: 'similarity',
        value: 0.833331,
        agreed: true,
      },
    ],
  };

  it('shows a match’s deciding keys, the rest one click away', async () => {
    const { fake, store } = await setupStore({});
    renderInApp(fake, store, <ExplanationView explanation={explanation} currency="USD" keys="deciding" />);
    const rows = () =>
      within(screen.getByRole('table', { name: 'Keys compared' }))
        .getAllByRole('row')
        .slice(1)
        .map((r) => r.textContent);
    expect(rows()).toEqual([expect.stringMatching(/^order ref.*agrees$/), expect.stringMatching(/^customer.*83% alike.*agrees$/)]);
    fireEvent.click(screen.getByRole('button', { name: 'Show all 3 keys compared' }));
    expect(rows()).toHaveLength(3);
    expect(rows()[1]).toMatch(/^trace id.*differs$/);
    fireEvent.click(screen.getByRole('button', { name: 'Show only the keys that decided' }));
    expect(rows()).toHaveLength(2);
  });

  it('never says a reason twice', async () => {
    const { fake, store } = await setupStore({});
    const entries = [
      {
        seq: 1,
        type: 'match.broken',
        actor: 'user:bea',
        reason: 'wrong customer',
        at: '2024-03-06T09:00:00.000Z',
        summary: 'unmatched: wrong customer',
        payload: {},
      },
      {
        seq: 2,
        type: 'exception.opened',
        actor: 'system:engine',
        reason: 'amounts differ',
        at: '2024-03-06T09:00:00.000Z',
        summary: 'opened AMOUNT_MISMATCH',
        payload: {},
      },
    ];
    renderInApp(fake, store, <HistoryList entries={entries} />);
    const cells = screen
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.lastElementChild?.textContent);
    expect(cells).toEqual(['unmatched: wrong customer', 'opened AMOUNT_MISMATCHReason: amounts differ']);
  });
});
