// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { ExceptionDetail } from '../../src/shared/api/contract.ts';
import { ExceptionDetailPanel } from '../../src/renderer/src/screens/exceptions/ExceptionDetailPanel.tsx';
import { BulkActions } from '../../src/renderer/src/screens/exceptions/BulkActions.tsx';
import { HistoryList } from '../../src/renderer/src/components/HistoryList.tsx';
import { formatInstant } from '../../src/renderer/src/format/formatters.ts';
import { renderInApp } from './appHarness.tsx';
import { callsOf, exceptionDetailFixture, setupStore, workspaceUsd } from './exceptionsFixtures.ts';

afterEach(cleanup);

async function openDetail(detail: ExceptionDetail = exceptionDetailFixture(), extra: Parameters<typeof setupStore>[0] = {}) {
  const { fake, store } = await setupStore({ 'exceptions.detail': () => detail, ...extra });
  await store.getState().openExceptionDetail(detail.exception.exceptionId);
  renderInApp(fake, store, <ExceptionDetailPanel />);
  return { fake, store, panel: screen.getByRole('complementary', { name: 'Exception detail' }) };
}

describe('exception detail panel', () => {
  it('shows the header fields, every event with its raw record, the explanation and the history', async () => {
    const { panel } = await openDetail();
    expect(within(panel).getByRole('heading', { level: 2 }).textContent).toContain('Amount mismatch');
    const summary = within(panel).getByRole('region', { name: 'Summary' });
    // Who, what and which order first; then when the business happened and how long ago, apart from when it was raised.
    expect(summary.querySelector('.exceptions-headline')?.textContent).toBe('Ada Lovelace · Card payment for order #1001 · order #1001 5.00 USD');
    expect(summary.textContent).toContain('Business dateMar 05, 2024 (4 d 4 h ago)');
    expect(summary.textContent).toContain('(3 d 19 h ago)');
    expect(summary.textContent).toContain('exc-1');
    // Owners and SLA come from the card: names as people read them, the tier, and each escalation step.
    const owners = await within(panel).findByRole('region', { name: 'Owners and SLA' });
    expect(owners.textContent).toContain('OwnerAna Lopez');
    expect(owners.textContent).toContain('BackupBea Park');
    expect(owners.textContent).toContain('Escalates toCarla Diaz');
    expect(owners.querySelector('.badge.tier-HIGH')?.textContent).toBe('HIGH');
    expect(owners.querySelector('dd.attention')?.textContent).toContain('(overdue)');
    expect(within(owners).getByRole('list', { name: 'Escalation history' }).textContent).toContain('Step 1: to the backup Bea Park');

    const events = within(panel).getByRole('region', { name: 'Events' });
    const order = within(events).getByRole('article', { name: 'Event order ord-1001' });
    const fields = order.querySelector('dl.fields');
    expect(fields?.textContent).toContain('#1001');
    expect(fields?.textContent).toContain('ada@example.com');
    expect(fields?.textContent).toContain('120.00 USD');
    const raw = within(order).getByLabelText('Raw record of ord-1001');
    expect(raw.tagName).toBe('PRE');
    expect(raw.className).toBe('raw');
    expect(raw.textContent).toBe('ord-1001,#1001,120.00,USD,paid');
    expect(raw.closest('details')?.querySelector('summary')?.textContent).toContain('shopify-orders.csv, line 7');
    const payment = within(events).getByRole('article', { name: 'Event payment ch_111' });
    expect(payment.querySelector('dl.fields')?.textContent).toContain('-0.59 USD');

    const explanation = within(panel).getByRole('region', { name: 'Explanation' });
    expect(explanation.textContent).toContain('order-payment.exact-key');
    expect(explanation.textContent).toContain('v3');
    // In words: the amounts' difference in currency, the time apart as hours and minutes, the fit as a percentage.
    expect(explanation.textContent).toContain('Amountsdiffer by 5.00 USD');
    expect(explanation.textContent).toContain('Time apart2 h 30 min');
    expect(explanation.textContent).toContain('Fit93%');
    expect(explanation.textContent).not.toMatch(/minor units|0\.93/);
    // An exception shows every key compared: the one that differs is why it is one, and is marked.
    const keys = within(explanation).getByRole('table', { name: 'Keys compared' });
    const keyRows = within(keys).getAllByRole('row').slice(1);
    expect(keyRows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^order ref.*#1001.*#1001.*agrees$/),
      expect.stringMatching(/^trace id.*pi_9.*pi_3.*differs$/),
    ]);
    expect(keyRows[1]?.querySelector('.badge.attention')).not.toBeNull();
    const runnersUp = within(explanation).getByRole('table', { name: 'Runners-up' });
    expect(runnersUp.textContent).toContain('ch_999');
    expect(runnersUp.textContent).toContain('outside window');

    const history = within(within(panel).getByRole('region', { name: 'History' })).getByRole('table', { name: 'History' });
    const rows = within(history).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      `${formatInstant('2024-03-05T23:30:00.000Z', workspaceUsd)}system:order-payment.exact-keyopened AMOUNT_MISMATCHReason: amounts differ`,
      `${formatInstant('2024-03-06T09:00:00.000Z', workspaceUsd)}user:beacomment: asked Stripe support`,
    ]);
  });

  it('requires a category and a reason before resolving, then resolves this exception with both', async () => {
    const { fake, panel } = await openDetail(exceptionDetailFixture(), { 'exceptions.resolve': (r) => ({ resolved: r.exceptionIds.length }) });
    fireEvent.click(within(panel).getByRole('button', { name: 'Resolve…' }));
    const form = within(panel).getByRole('form', { name: 'Resolve this amount mismatch' });
    fireEvent.click(within(form).getByRole('button', { name: 'Resolve' }));
    expect(within(form).getByRole('alert').textContent).toBe('Choose how it was settled.');
    fireEvent.click(within(form).getByRole('radio', { name: /Fixed at source/ }));
    fireEvent.change(within(form).getByLabelText('Reason'), { target: { value: '   ' } });
    fireEvent.submit(form);
    expect(within(form).getByRole('alert').textContent).toBe('Reason is required.');
    expect(callsOf(fake, 'exceptions.resolve')).toHaveLength(0);

    fireEvent.change(within(form).getByLabelText('Reason'), { target: { value: ' Shopify order corrected to 115.00 ' } });
    fireEvent.submit(form);
    await waitFor(() => expect(callsOf(fake, 'exceptions.resolve')).toHaveLength(1));
    expect(callsOf(fake, 'exceptions.resolve')[0]?.request).toEqual({
      exceptionIds: ['exc-1'],
      category: 'fixed_at_source',
      reason: 'Shopify order corrected to 115.00',
    });
    await waitFor(() => expect(within(panel).queryByRole('form', { name: 'Resolve this amount mismatch' })).toBeNull());
  });

  it('asks for the account an accepted difference is written off to', async () => {
    const { fake, panel } = await openDetail(exceptionDetailFixture(), { 'exceptions.resolve': (r) => ({ resolved: r.exceptionIds.length }) });
    fireEvent.click(within(panel).getByRole('button', { name: 'Resolve…' }));
    const form = within(panel).getByRole('form', { name: 'Resolve this amount mismatch' });
    fireEvent.click(within(form).getByRole('radio', { name: /Accepted difference/ }));
    fireEvent.change(within(form).getByLabelText('Reason'), { target: { value: 'FX rounding by the processor' } });
    fireEvent.submit(form);
    expect(within(form).getByRole('alert').textContent).toBe('Name the account the difference is written off to.');
    fireEvent.change(within(form).getByLabelText('Write-off account'), { target: { value: '6990 Bank charges' } });
    fireEvent.submit(form);
    await waitFor(() => expect(callsOf(fake, 'exceptions.resolve')).toHaveLength(1));
    expect(callsOf(fake, 'exceptions.resolve')[0]?.request).toEqual({
      exceptionIds: ['exc-1'],
      category: 'accepted_difference',
      writeOffAccount: '6990 Bank charges',
      reason: 'FX rounding by the processor',
    });
  });

  it('keeps the form and its text when the backend refuses, and Escape cancels it', async () => {
    const { store, panel } = await openDetail(exceptionDetailFixture(), {
      'exceptions.reassign': () => {
        throw new Error('unknown person carla');
      },
    });
    fireEvent.click(within(panel).getByRole('button', { name: 'Reassign…' }));
    const form = within(panel).getByRole('form', { name: 'Reassign exc-1' });
    const owner = within(form).getByLabelText('Owner');
    expect((owner as HTMLInputElement).value).toBe('user:bea');
    fireEvent.change(owner, { target: { value: 'carla' } });
    // Taking it from its owner needs a reason: the form says so before asking the backend.
    fireEvent.submit(form);
    expect(within(form).getByRole('alert').textContent).toBe('A reason is required to take an exception from its owner.');
    fireEvent.change(within(form).getByLabelText(/^Reason/), { target: { value: 'Bea is on leave' } });
    fireEvent.submit(form);
    await waitFor(() => expect(store.getState().notices.at(-1)?.text).toBe('Could not assign exc-1: unknown person carla'));
    expect((within(panel).getByLabelText('Owner') as HTMLInputElement).value).toBe('carla');
    fireEvent.keyDown(within(panel).getByLabelText('Owner'), { key: 'Escape' });
    expect(within(panel).queryByRole('form', { name: 'Reassign exc-1' })).toBeNull();
    expect(store.getState().exceptionsDetailId).toBe('exc-1');
  });

  it('offers Reopen instead of Resolve on a resolved exception, with no manual match', async () => {
    const base = exceptionDetailFixture();
    const { panel } = await openDetail({
      ...base,
      exception: {
        ...base.exception,
        state: 'resolved',
        resolvedAt: '2024-03-07T10:00:00.000Z',
        resolvedBy: 'user:bea',
        resolvedHow: 'resolved by user:bea',
        resolution: { category: 'timing', account: null, reason: 'paid by cheque', text: 'Timing difference: paid by cheque' },
      },
      candidates: [],
      matchLinks: [],
    });
    expect(within(panel).queryByRole('button', { name: 'Resolve…' })).toBeNull();
    expect(within(panel).queryByRole('button', { name: 'Match by hand…' })).toBeNull();
    const summary = within(panel).getByRole('region', { name: 'Summary' }).textContent;
    expect(summary).toContain('resolved by user:bea');
    expect(summary).toContain('Timing difference');
    expect(summary).toContain('paid by cheque');
    fireEvent.click(within(panel).getByRole('button', { name: 'Reopen…' }));
    expect(within(panel).getByRole('form', { name: 'Reopen exc-1' })).toBeTruthy();
  });

  it('builds the manual match from the events the person ticks (none of its own is ticked for them) and asks for a reason', async () => {
    const { fake, store, panel } = await openDetail(exceptionDetailFixture(), { 'matches.manual': () => ({ matchId: 'mm_9' }) });
    fireEvent.click(within(panel).getByRole('button', { name: 'Match by hand…' }));
    const form = within(panel).getByRole('form', { name: 'Manual match' });
    const candidates = within(form).getByRole('table', { name: 'Candidates' });
    expect(candidates.textContent).toContain('ch_222');
    expect(candidates.textContent).toContain('88% fit');
    expect(candidates.textContent).toContain('order_ref agrees; sum with ch_111 equals the order');
    const own = within(form).getByRole('table', { name: 'Events of this exception' });
    expect(
      within(own)
        .getAllByRole('checkbox')
        .every((b) => !(b as HTMLInputElement).checked),
    ).toBe(true);

    fireEvent.click(within(form).getByLabelText('Pick payment ch_222'));
    fireEvent.submit(form);
    expect(within(form).getByRole('alert').textContent).toMatch(/at least one event on each side/);
    fireEvent.click(within(own).getByLabelText('Include order ord-1001'));
    fireEvent.submit(form);
    expect(within(form).getByRole('alert').textContent).toBe('Reason is required.');
    expect(callsOf(fake, 'matches.manual')).toHaveLength(0);

    fireEvent.change(within(form).getByLabelText('Reason'), { target: { value: 'Customer paid in two parts' } });
    fireEvent.submit(form);
    await waitFor(() => expect(callsOf(fake, 'matches.manual')).toHaveLength(1));
    expect(callsOf(fake, 'matches.manual')[0]?.request).toEqual({
      link: 'order_payment',
      leftEventIds: ['ev-order'],
      rightEventIds: ['ev-pay2'],
      reason: 'Customer paid in two parts',
    });
    await waitFor(() => expect(store.getState().notices.at(-1)?.text).toBe('Matched 2 events by hand (mm_9)'));
  });

  it('says why the detail could not be loaded and can try again', async () => {
    let fail = true;
    const { fake, store } = await setupStore({
      'exceptions.detail': () => {
        if (fail) throw new Error('database is locked');
        return exceptionDetailFixture();
      },
    });
    await store.getState().openExceptionDetail('exc-1');
    renderInApp(fake, store, <ExceptionDetailPanel />);
    expect(screen.getByRole('alert').textContent).toContain('Could not load exc-1: database is locked');
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(screen.getByRole('region', { name: 'Summary' }).textContent).toContain('exc-1'));
  });
});

describe('bulk actions', () => {
  it('asks for the comment text before commenting on the selected exceptions', async () => {
    const { fake, store } = await setupStore({ 'exceptions.comment': (r) => ({ commented: r.exceptionIds.length }) });
    renderInApp(fake, store, <BulkActions />);
    expect((screen.getByRole('button', { name: 'Comment on selected…' }) as HTMLButtonElement).disabled).toBe(true);
    store.getState().setExceptionsSelected(['exc-1', 'exc-2']);
    await waitFor(() => expect(screen.getByText('2 exceptions selected')).toBeTruthy());
    fireEvent.click(screen.getByRole('button', { name: 'Comment on selected…' }));
    const form = screen.getByRole('form', { name: 'Comment on 2 exceptions' });
    fireEvent.submit(form);
    expect(within(form).getByRole('alert').textContent).toBe('Comment is required.');
    fireEvent.change(within(form).getByLabelText('Comment'), { target: { value: 'Waiting for the bank statement' } });
    fireEvent.submit(form);
    await waitFor(() => expect(callsOf(fake, 'exceptions.comment')).toHaveLength(1));
    expect(callsOf(fake, 'exceptions.comment')[0]?.request).toEqual({ exceptionIds: ['exc-1', 'exc-2'], text: 'Waiting for the bank statement' });
  });
});

describe('history list', () => {
  it('lists entries oldest first with times in the workspace time zone', async () => {
    const { fake, store } = await setupStore({});
    renderInApp(fake, store, <HistoryList entries={exceptionDetailFixture().history} />);
    const rows = screen.getAllByRole('row').slice(1);
    // 23:30 UTC is 00:30 the next day in Berlin.
    expect(rows[0]?.textContent).toContain('00:30');
    expect(rows[0]?.textContent).toContain('06');
    expect(rows.map((r) => r.querySelector('td.mono')?.textContent)).toEqual(['system:order-payment.exact-key', 'user:bea']);
  });
});
