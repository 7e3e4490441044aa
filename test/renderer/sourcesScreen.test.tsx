// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ApiError, type ImportBatch, type ImportOutcome, type ImportPreview, type ParsedRequestOf } from '../../src/shared/api/contract.ts';
import { CsvMappingSchema } from '../../src/shared/import/csvMapping.ts';
import { createAppStore, type AppStore } from '../../src/renderer/src/store/appStore.ts';
import { AppProvider } from '../../src/renderer/src/store/storeContext.tsx';
import { SourcesScreen } from '../../src/renderer/src/screens/SourcesScreen.tsx';
import { summariseSources } from '../../src/renderer/src/screens/sources/ImportHistory.tsx';
import { createFakeApi, type FakeApi, type FakeHandlers } from './fakeApi.ts';

afterEach(cleanup);

const STRIPE_CSV = 'id,Type,Amount,Currency,Created\ntxn_1,charge,12.50,EUR,2024-03-01 10:00:00\ntxn_2,refund,-3.00,EUR,2024-03-02 11:00:00\n';
const BANK_CSV = 'Date;Amount;Memo\n01.03.2024;100,00;Payout\n02.03.2024;-5,00;Fee\n';

const HISTORY: ImportBatch[] = [
  {
    batchId: 'b1',
    source: 'stripe:main',
    format: 'stripe-balance-csv',
    fileName: 'stripe-feb.csv',
    startedAt: '2024-03-01T09:00:00.000Z',
    finishedAt: '2024-03-01T09:00:02.000Z',
    rowsRead: 120,
    eventsCreated: 118,
    duplicatesSkipped: 2,
    rowsRejected: 0,
    actor: 'user:ann',
  },
  {
    batchId: 'b2',
    source: 'stripe:main',
    format: 'stripe-balance-csv',
    fileName: 'stripe-mar.csv',
    startedAt: '2024-04-01T09:00:00.000Z',
    finishedAt: '2024-04-01T09:00:03.000Z',
    rowsRead: 80,
    eventsCreated: 80,
    duplicatesSkipped: 0,
    rowsRejected: 4,
    actor: 'user:bob',
  },
  {
    batchId: 'b3',
    source: 'bank:operating',
    format: 'camt',
    fileName: 'camt053.xml',
    startedAt: '2024-03-15T09:00:00.000Z',
    finishedAt: '2024-03-15T09:00:01.000Z',
    rowsRead: 30,
    eventsCreated: 30,
    duplicatesSkipped: 0,
    rowsRejected: 0,
    actor: 'user:ann',
  },
];

const OUTCOME: ImportOutcome = {
  files: [
    {
      fileName: 'stripe.csv',
      batchId: 'bt_9',
      format: 'stripe-balance-csv',
      rowsRead: 2,
      eventsCreated: 1,
      duplicatesSkipped: 0,
      rowsRejected: 1,
      rejected: [{ line: 3, column: 3, message: 'amount "-3.00x" is not a number' }],
    },
  ],
  eventsCreated: 1,
  duplicatesSkipped: 0,
  rowsRejected: 1,
  reconcile: { matchesCreated: 5, exceptionsOpened: 2, exceptionsClosed: 1 },
};

function previewFor(fileName: string, text: string, r: ParsedRequestOf<'imports.preview'>): ImportPreview {
  const isStripe = text.startsWith('id,Type');
  const [header = [], ...rows] = text
    .trim()
    .split('\n')
    .map((l) => l.split(isStripe ? ',' : ';'));
  const format = r.format ?? (isStripe ? 'stripe-balance-csv' : null);
  const base = { uploadId: r.uploadId, fileName, encoding: 'utf-8', columns: header, rows, layoutGuess: null };
  if (format === null) return { ...base, format: null, formatDescription: null, events: [], error: `${fileName}: a file of no recognised format` };
  // As the services answer: generic-csv without a (valid) mapping shows the grid, cut by the layout, and no events.
  if (format === 'generic-csv' && r.mapping === undefined)
    return {
      ...base,
      format,
      formatDescription: 'Any CSV',
      events: [],
      error: 'generic-csv reads the file through a column mapping; map the columns',
    };
  return {
    ...base,
    format,
    formatDescription: isStripe ? 'Stripe balance CSV' : 'Any CSV',
    events: [
      {
        eventId: 'ev_p1',
        source: 'preview',
        kind: 'payment',
        externalId: 'txn_1',
        amountMinor: 1250,
        currency: r.mapping?.currency ?? 'EUR',
        occurredAt: '2024-03-01T10:00:00.000Z',
        localDate: null,
        orderRef: null,
        counterparty: null,
        description: null,
      },
    ],
    error: null,
  };
}

function setup(extra: FakeHandlers = {}): { fake: FakeApi; store: AppStore } {
  const staged = new Map<string, { fileName: string; text: string }>();
  const fake = createFakeApi({
    'imports.formats': () => ({
      formats: [
        { format: 'stripe-balance-csv', description: 'Stripe balance CSV' },
        { format: 'generic-csv', description: 'Any CSV' },
      ],
      presets: ['chase'],
    }),
    'imports.history': () => ({ batches: HISTORY }),
    'imports.upload': (r) => {
      const uploadId = `up_${staged.size + 1}`;
      staged.set(uploadId, { fileName: r.fileName, text: new TextDecoder().decode(r.bytes) });
      return { uploadId, fileName: r.fileName, byteLength: r.bytes.byteLength };
    },
    'imports.preview': (r) => {
      const file = staged.get(r.uploadId);
      if (file === undefined) throw new ApiError({ kind: 'not_found', message: 'no such upload', field: 'uploadId' });
      return previewFor(file.fileName, file.text, r);
    },
    'imports.commit': () => OUTCOME,
    'mappings.get': () => ({ mapping: null }),
    ...extra,
  });
  const store = createAppStore(fake);
  render(
    <AppProvider store={store} api={fake}>
      <SourcesScreen />
    </AppProvider>,
  );
  return { fake, store };
}

const fileOf = (name: string, text: string) => new File([new TextEncoder().encode(text)], name, { type: 'text/csv' });
const callsOf = (fake: FakeApi, method: string) => fake.calls.filter((c) => c.method === method);

async function pickFiles(...files: File[]) {
  fireEvent.change(screen.getByLabelText('Files to import'), { target: { files } });
  await waitFor(() => expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(false));
}

const next = () => fireEvent.click(screen.getByRole('button', { name: 'Next' }));

describe('Sources screen', () => {
  it('previews the first rows and events of a picked file', async () => {
    setup();
    await pickFiles(fileOf('stripe.csv', STRIPE_CSV));
    expect(within(screen.getByRole('table', { name: 'Staged files' })).getByText('Staged · stripe-balance-csv')).toBeTruthy();
    next();

    const rows = within(screen.getByRole('table', { name: 'First rows of stripe.csv' })).getAllByRole('row');
    expect(rows.map((r) => r.textContent)).toEqual([
      'idTypeAmountCurrencyCreated',
      'txn_1charge12.50EUR2024-03-01 10:00:00',
      'txn_2refund-3.00EUR2024-03-02 11:00:00',
    ]);
    const events = within(screen.getByRole('table', { name: 'First events of stripe.csv' }));
    expect(events.getByText('txn_1')).toBeTruthy();
    expect(events.getByText(/12\.50/).className).toBe('amount');
    expect(screen.getByText('stripe-balance-csv — Stripe balance CSV', { selector: 'dd' })).toBeTruthy();
    expect(screen.getByRole('list', { name: 'Import steps' }).querySelector('[aria-current="step"]')?.textContent).toBe('2. Preview & format');
  });

  it('stages dropped files and highlights the drop zone while dragging', async () => {
    const { fake } = setup();
    const zone = screen.getByRole('button', { name: /Drop files here/ });
    fireEvent.dragEnter(zone, { dataTransfer: { files: [] } });
    expect(zone.className).toBe('dropzone active');
    fireEvent.drop(zone, { dataTransfer: { files: [fileOf('a.csv', STRIPE_CSV), fileOf('b.csv', STRIPE_CSV)] } });
    expect(zone.className).toBe('dropzone');
    await waitFor(() => expect(callsOf(fake, 'imports.upload')).toHaveLength(2));
    await waitFor(() => expect(screen.getAllByText('Staged · stripe-balance-csv')).toHaveLength(2));
  });

  it('says inline why a source id is not valid and holds the wizard there', async () => {
    setup();
    await pickFiles(fileOf('stripe.csv', STRIPE_CSV));
    next();
    next();
    const field = screen.getByLabelText('Source') as HTMLInputElement;
    expect(field.value).toBe('stripe:main');
    expect(screen.getByText(/An existing source/)).toBeTruthy();

    fireEvent.change(field, { target: { value: 'Stripe Main' } });
    expect(field.getAttribute('aria-invalid')).toBe('true');
    const message = document.getElementById(field.getAttribute('aria-describedby') ?? '');
    expect(message?.textContent).toBe('source must look like KIND or KIND:NAME (letters, digits, _ . @ -)');
    expect(message?.className).toBe('field-error');
    expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(field, { target: { value: 'stripe:eu' } });
    expect(screen.getByText(/A new source/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('imports with skip invalid rows and lists the rejected rows with line and column', async () => {
    const { fake, store } = setup();
    await pickFiles(fileOf('stripe.csv', STRIPE_CSV));
    next();
    next();
    next();
    fireEvent.click(screen.getByLabelText('Skip invalid rows'));
    fireEvent.click(screen.getByRole('button', { name: 'Import 1 file' }));

    const rejected = await screen.findByRole('region', { name: 'Rejected rows of stripe.csv' });
    const cells = within(rejected).getAllByRole('row')[1]?.querySelectorAll('td');
    expect([...(cells ?? [])].map((c) => c.textContent)).toEqual(['3', '3', 'amount "-3.00x" is not a number']);
    expect(screen.getByText('5 matches created · 2 exceptions opened · 1 closed')).toBeTruthy();
    expect((callsOf(fake, 'imports.commit')[0]?.request as { skipInvalid: boolean }).skipInvalid).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Review exceptions' }));
    expect(store.getState().screen).toBe('exceptions');
    fireEvent.click(screen.getByRole('button', { name: 'Import more files' }));
    expect(screen.getByRole('button', { name: /Drop files here/ })).toBeTruthy();
    expect(store.getState().importFiles).toEqual([]);
  });

  it('shows why a failed import failed and keeps the step', async () => {
    setup({
      'imports.commit': () => {
        throw new ApiError({ kind: 'bad_input', message: 'stripe.csv: line 3, column 3: amount "-3.00x" is not a number', field: null });
      },
    });
    await pickFiles(fileOf('stripe.csv', STRIPE_CSV));
    next();
    next();
    next();
    fireEvent.click(screen.getByRole('button', { name: 'Import 1 file' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The import failed; nothing was written.');
    expect(alert.textContent).toContain('stripe.csv: line 3, column 3: amount "-3.00x" is not a number');
    expect((screen.getByRole('button', { name: 'Import 1 file' }) as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByText('stripe:main', { selector: 'dd' })).toBeTruthy();
  });

  it('builds a CSV mapping the shared schema accepts from the form', async () => {
    const { fake } = setup();
    await waitFor(() => expect(screen.getByRole('table', { name: 'Sources' })).toBeTruthy());
    await pickFiles(fileOf('bank.csv', BANK_CSV));
    await waitFor(() => expect(screen.getByText(/^Staged/)).toBeTruthy());
    next();
    const editor = screen.getByRole('region', { name: 'CSV mapping' });
    const form = within(editor);
    expect(screen.getByText(/bank\.csv: no known format/)).toBeTruthy();
    expect((form.getByLabelText('Date / time') as HTMLSelectElement).value).toBe('Date');

    const currency = form.getByLabelText('Currency (ISO 4217)');
    fireEvent.change(currency, { target: { value: 'EURO' } });
    expect(document.getElementById(currency.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'must be an ISO 4217 currency code such as EUR or USD',
    );
    fireEvent.change(currency, { target: { value: 'EUR' } });
    fireEvent.change(form.getByLabelText('Date format'), { target: { value: 'DD.MM.YYYY' } });
    fireEvent.change(form.getByLabelText('Decimal mark'), { target: { value: ',' } });
    fireEvent.change(form.getByLabelText('Kind comes from'), { target: { value: 'column' } });
    fireEvent.change(form.getByLabelText('Kind column'), { target: { value: 'Memo' } });
    fireEvent.click(form.getByRole('button', { name: 'Add values seen in the preview (Payout, Fee)' }));
    fireEvent.change(form.getByLabelText('Kind for value 1'), { target: { value: 'payout' } });
    fireEvent.change(form.getByLabelText('Kind for value 2'), { target: { value: 'fee' } });
    fireEvent.change(form.getByLabelText('Description'), { target: { value: 'Memo' } });
    expect(form.getByText(/The mapping is complete/)).toBeTruthy();

    await waitFor(() => expect(callsOf(fake, 'imports.preview').some((c) => (c.request as { mapping?: unknown }).mapping !== undefined)).toBe(true));
    const mapped = callsOf(fake, 'imports.preview').filter((c) => (c.request as { mapping?: unknown }).mapping !== undefined);
    const request = mapped.at(-1)?.request as { format: string; mapping: unknown };
    expect(request.format).toBe('generic-csv');
    expect(CsvMappingSchema.parse(request.mapping)).toEqual({
      version: 1,
      kind_column: 'Memo',
      kind_values: { Payout: 'payout', Fee: 'fee' },
      columns: { occurred_at: 'Date', amount: 'Amount', description: 'Memo' },
      currency: 'EUR',
      date_format: 'DD.MM.YYYY',
      decimal: ',',
      thousands: '',
      sign: 'as_is',
      external_id_strategy: 'row_hash',
    });
    // Typing is debounced: the finished form is previewed once, not once per keystroke.
    expect(mapped).toHaveLength(1);
    await screen.findByText('generic-csv — Any CSV');
  });

  it('lists the import history and the per-source summary, and refetches when imports change', async () => {
    const { fake } = setup();
    const sources = await screen.findByRole('table', { name: 'Sources' });
    const sourceRows = within(sources)
      .getAllByRole('row')
      .slice(1)
      .map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent));
    expect(sourceRows.map((r) => [r[0], r[2], r[3]])).toEqual([
      ['bank:operating', '1', '30'],
      ['stripe:main', '2', '198'],
    ]);
    const history = within(screen.getByRole('table', { name: 'Import history' })).getAllByRole('row');
    expect(history[1]?.textContent).toContain('stripe-mar.csv');
    expect(history[1]?.textContent).toContain('user:bob');
    expect(history).toHaveLength(4);

    expect(callsOf(fake, 'imports.history')).toHaveLength(1);
    fake.emit({ type: 'changed', what: ['imports', 'matches'] });
    await waitFor(() => expect(callsOf(fake, 'imports.history')).toHaveLength(2));
  });

  it('summarises sources by latest import, batches and events created', () => {
    expect(summariseSources(HISTORY)).toEqual([
      { source: 'bank:operating', lastImportAt: '2024-03-15T09:00:01.000Z', batches: 1, events: 30 },
      { source: 'stripe:main', lastImportAt: '2024-04-01T09:00:03.000Z', batches: 2, events: 198 },
    ]);
  });
});
