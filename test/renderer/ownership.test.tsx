// @vitest-environment happy-dom
// Owners, SLA and queues in the renderer (issue 13): the queue tabs narrow the grid's query, bulk reassign sends one
// request with its reason, the card edits the code's playbook and hands the ticket text to the clipboard, Settings
// says who uses this laptop, the bell lists escalation steps as they arrive, and the Dashboard shows the operating
// metrics and checklist.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import '../../src/renderer/src/grid/gridSetup.ts';
import { ExceptionsScreen } from '../../src/renderer/src/screens/ExceptionsScreen.tsx';
import { OwnershipCard } from '../../src/renderer/src/screens/exceptions/OwnershipCard.tsx';
import { OwnersPanel } from '../../src/renderer/src/screens/settings/OwnersPanel.tsx';
import { NotificationBell } from '../../src/renderer/src/components/NotificationBell.tsx';
import { OperationsPanel } from '../../src/renderer/src/screens/dashboard/OperationsPanel.tsx';
import { renderInApp } from './appHarness.tsx';
import { callsOf, exceptionRow, setupStore } from './exceptionsFixtures.ts';
import { ANA, cardFixture, notificationFixture, ownersFixture } from './ownershipFixtures.ts';

const GRID_WAIT = { timeout: 15_000 };

afterEach(cleanup);

describe('the Exceptions screen queues', () => {
  it('shows each queue with its count and asks the grid for the queue picked, keeping the other filters', async () => {
    const { fake, store } = await setupStore({ 'exceptions.query': () => ({ rows: [exceptionRow()], totalRows: 1 }) });
    renderInApp(fake, store, <ExceptionsScreen />);
    const tabs = await screen.findByRole('tablist', { name: 'Queues' });
    await waitFor(() => expect(within(tabs).getByRole('tab', { name: /^Team/ }).textContent).toBe('Team3'));
    expect(within(tabs).getByRole('tab', { name: 'All' }).getAttribute('aria-selected')).toBe('true');
    // Nobody said who they are: My queue says where to do it.
    expect(within(tabs).getByRole('tab', { name: /^My queue/ }).title).toContain('Settings → Owners');
    await waitFor(() => expect(callsOf(fake, 'exceptions.query')).toHaveLength(1), GRID_WAIT);

    act(() => store.getState().setExceptionsFilter({ domains: ['payments'] }));
    await waitFor(() => expect(callsOf(fake, 'exceptions.query')).toHaveLength(2), GRID_WAIT);
    fireEvent.click(within(tabs).getByRole('tab', { name: /^Escalated/ }));
    await waitFor(() => expect(callsOf(fake, 'exceptions.query')).toHaveLength(3), GRID_WAIT);
    expect(callsOf(fake, 'exceptions.query')[2]?.request).toMatchObject({ startRow: 0, filter: { queue: 'escalated', domains: ['payments'] } });
    expect(
      within(tabs)
        .getByRole('tab', { name: /^Escalated/ })
        .getAttribute('aria-selected'),
    ).toBe('true');
  });

  it('reassigns the ticked rows in one request with the reason given', async () => {
    const { fake, store } = await setupStore({
      'exceptions.query': () => ({ rows: [exceptionRow()], totalRows: 1 }),
      'exceptions.reassign': (r) => ({ assigned: r.exceptionIds.length, owner: ANA }),
    });
    renderInApp(fake, store, <ExceptionsScreen />);
    await screen.findByRole('tablist', { name: 'Queues' });
    act(() => store.getState().setExceptionsSelected(['exc-1', 'exc-2']));
    fireEvent.click(screen.getByRole('button', { name: 'Reassign selected…' }));
    const form = screen.getByRole('form', { name: 'Reassign 2 exceptions' });
    fireEvent.change(within(form).getByLabelText('Owner'), { target: { value: ANA } });
    fireEvent.change(within(form).getByLabelText(/^Reason/), { target: { value: 'Quarter hand-over' } });
    fireEvent.submit(form);
    await waitFor(() => expect(callsOf(fake, 'exceptions.reassign')).toHaveLength(1));
    expect(callsOf(fake, 'exceptions.reassign')[0]?.request).toEqual({ exceptionIds: ['exc-1', 'exc-2'], owner: ANA, reason: 'Quarter hand-over' });
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Reassign 2 exceptions' })).toBeNull());
    expect(store.getState().notices.at(-1)?.text).toBe(`Reassigned 2 exceptions to ${ANA}`);
  });
});

describe('the exception card', () => {
  let copied: string[];
  beforeEach(() => {
    copied = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: (t: string) => (copied.push(t), Promise.resolve()) } });
  });

  it('edits the playbook for this workspace, copies the ticket text and links to a new ticket', async () => {
    let playbook = cardFixture().playbook;
    const { fake, store } = await setupStore({
      'exceptions.card': () => cardFixture({ playbook }),
      'playbooks.set': (r) => {
        playbook = r.playbook === null ? cardFixture().playbook : { ...r.playbook, origin: 'workspace' };
        return { ok: true };
      },
    });
    renderInApp(fake, store, <OwnershipCard exceptionId="exc-1" />);
    const section = await screen.findByRole('region', { name: 'Playbook' });
    expect(section.textContent).toContain('(shipped)');
    expect(
      within(section)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Open both records', 'Ask the processor']);

    fireEvent.click(within(section).getByRole('button', { name: 'Edit playbook…' }));
    const form = within(section).getByRole('form', { name: 'Playbook for AMOUNT_MISMATCH' });
    fireEvent.change(within(form).getByLabelText('Steps, one a line'), { target: { value: 'Open both records\n\n  Call Stripe  \n' } });
    fireEvent.submit(form);
    await waitFor(() => expect(callsOf(fake, 'playbooks.set')).toHaveLength(1));
    expect(callsOf(fake, 'playbooks.set')[0]?.request).toEqual({
      code: 'AMOUNT_MISMATCH',
      playbook: { title: 'Order and payment amounts differ', steps: ['Open both records', 'Call Stripe'] },
    });
    await waitFor(() => expect(screen.getByRole('region', { name: 'Playbook' }).textContent).toContain("(this workspace's)"));

    const ticket = screen.getByRole('region', { name: 'Ticket' });
    fireEvent.click(within(ticket).getByRole('button', { name: 'Copy as ticket' }));
    await waitFor(() => expect(copied).toEqual([cardFixture().ticketText]));
    const link = within(ticket).getByRole('link', { name: 'Open a new ticket' });
    expect(link.getAttribute('href')).toBe(cardFixture().ticketUrl);
    expect(link.getAttribute('target')).toBe('_blank');
    expect(screen.getByRole('region', { name: 'Message' }).textContent).toContain('(finance template)Hello Ana');
  });

  it('says where to set a ticket link when the domain has none', async () => {
    const { fake, store } = await setupStore({
      'exceptions.card': () => cardFixture({ ticketUrl: null, domain: 'bank', escalations: [], slaState: 'on_track' }),
    });
    renderInApp(fake, store, <OwnershipCard exceptionId="exc-1" />);
    const ticket = await screen.findByRole('region', { name: 'Ticket' });
    expect(ticket.textContent).toContain('No ticket link for bank');
    expect(within(ticket).queryByRole('link')).toBeNull();
    expect(screen.getAllByRole('region', { name: 'Owners and SLA' })[0]?.textContent).toContain('not escalated');
  });
});

describe('Settings → Owners', () => {
  it('saves who uses this laptop as NAME <EMAIL>, refusing anything else', async () => {
    let me: string | null = null;
    const { fake, store } = await setupStore({
      'owners.list': () => ownersFixture({ me }),
      'owners.setMe': (r) => {
        me = r.me === null ? null : `${r.me.name} <${r.me.email}>`;
        return { ok: true };
      },
    });
    renderInApp(fake, store, <OwnersPanel />);
    const form = await screen.findByRole('form', { name: 'Who am I' });
    expect(form.textContent).toContain('Nobody yet');
    fireEvent.change(within(form).getByLabelText('You'), { target: { value: 'Ana' } });
    fireEvent.submit(form);
    expect(within(form).getByRole('alert').textContent).toContain('NAME <EMAIL>');
    expect(callsOf(fake, 'owners.setMe')).toHaveLength(0);
    fireEvent.change(within(form).getByLabelText('You'), { target: { value: ANA } });
    fireEvent.submit(form);
    await waitFor(() => expect(callsOf(fake, 'owners.setMe')[0]?.request).toEqual({ me: { name: 'Ana Lopez', email: 'ana@example.com' } }));
    await waitFor(() => expect(screen.getByRole('form', { name: 'Who am I' }).textContent).toContain("This laptop is Ana Lopez's"));
    // The domains today: an owner-less domain stands out.
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => r.firstElementChild?.textContent)).toEqual(['payments', 'bank']);
    expect(rows[1]?.querySelector('.attention')?.textContent).toBe('nobody');
  });
});

describe('the notification bell', () => {
  it('counts the escalation steps not seen, lists them, and opens a step’s exception', async () => {
    const { fake, store } = await setupStore({ 'notifications.list': () => ({ notifications: [notificationFixture(1)] }) });
    renderInApp(fake, store, <NotificationBell />);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Notifications, 1 new' })).toBeTruthy());
    act(() =>
      fake.emit({ type: 'notification', notifications: [notificationFixture(2, { exceptionId: 'exc-2', forMe: true, title: 'Escalated to you' })] }),
    );
    expect(screen.getByRole('button', { name: 'Notifications, 2 new' })).toBeTruthy();
    expect(store.getState().notices.at(-1)?.text).toContain('1 escalation step taken, 1 for you');

    fireEvent.click(screen.getByRole('button', { name: 'Notifications, 2 new' }));
    const list = screen.getByRole('dialog', { name: 'Notifications' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.querySelector('strong')?.textContent),
    ).toEqual(['Escalated to you', notificationFixture(1).title]);
    fireEvent.click(within(list).getAllByRole('button')[0]!);
    expect(store.getState().screen).toBe('exceptions');
    expect(store.getState().exceptionsDetailId).toBe('exc-2');
    expect(screen.getByRole('button', { name: 'Notifications, 0 new' })).toBeTruthy();
  });
});

describe('the Dashboard operations', () => {
  beforeEach(() => vi.spyOn(console, 'error').mockImplementation(() => undefined));
  afterEach(() => vi.restoreAllMocks());

  it('shows the operating metrics of the last 30 days whatever the period, the top codes by week and the checklist', async () => {
    const { fake, store } = await setupStore({});
    store.getState().setPeriod({ from: '2024-03-01', to: '2024-03-03' });
    renderInApp(fake, store, <OperationsPanel />);
    const figures = await screen.findByRole('group', { name: 'Operating metrics' });
    // Operating days are when events arrived and people acted: the books' period does not narrow them.
    expect(callsOf(fake, 'metrics.get').map((c) => c.request)).toEqual([{}]);
    expect(figures.textContent).toContain('Unmatched within 1 h12.5%');
    expect(figures.textContent).toContain('Auto-resolve rate50.0%');
    expect(figures.textContent).toContain('Manual actions per day2.3');
    expect(figures.textContent).toContain('2,500.00 USD');
    const top = screen.getByRole('table', { name: 'Top exception codes by week' });
    expect(
      within(top)
        .getAllByRole('row')
        .slice(1)
        .map((r) => r.textContent),
    ).toEqual(['Amount mismatch44', 'Payout not in bank22']);
    const checklist = screen.getByRole('region', { name: /Operating checklist/ });
    expect(checklist.textContent).toContain('(1 of 2 in place)');
    expect(checklist.querySelector('li.missing')?.textContent).toContain('bank has no owner');
  });
});
