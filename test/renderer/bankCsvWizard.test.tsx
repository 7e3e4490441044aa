// @vitest-environment happy-dom
// The import wizard for a bank CSV of no known format and for statements that do not balance: the file's own facts
// first (header line guessed after the preamble, delimiter, encoding), a saved mapping file loaded rather than
// imported, no going on past a file that cannot be read, and "import anyway" for an unbalanced statement.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ApiError, type ImportBatch, type ImportOutcome, type ImportPreview, type ParsedRequestOf } from '../../src/shared/api/contract.ts';
import { createAppStore } from '../../src/renderer/src/store/appStore.ts';
import { AppProvider } from '../../src/renderer/src/store/storeContext.tsx';
import { SourcesScreen } from '../../src/renderer/src/screens/SourcesScreen.tsx';
import { GENERIC_CSV, importStepProblem } from '../../src/renderer/src/store/importSlice.ts';
import { createFakeApi, type FakeApi, type FakeHandlers } from './fakeApi.ts';

afterEach(cleanup);

/** A Sparkasse-style export: three preamble lines and a blank one before the header on line 5. */
const PREAMBLE_CSV =
  'Kontoauszug;Girokonto\nKonto;DE12 5001\nZeitraum;01.10.2026 - 31.10.2026\n\nBuchungstag;Betrag;Verwendungszweck\n06.10.2026;709,11;STRIPE PAYOUT\n';
const MAPPING = {
  version: 1,
  name: 'Sparkasse Giro',
  kind_by_sign: { positive: 'bank_credit', negative: 'bank_debit' },
  columns: { occurred_at: 'Buchungstag', amount: 'Betrag', description: 'Verwendungszweck' },
  currency: 'EUR',
  date_format: 'DD.MM.YYYY',
  time_zone: 'Europe/Berlin',
  decimal: ',',
  thousands: '.',
  sign: 'as_is',
  delimiter: ';',
  header_row: 5,
  external_id_strategy: 'row_hash',
};

const OUTCOME: ImportOutcome = {
  files: [
    { fileName: 'camt.xml', batchId: 'bt_1', format: 'camt', rowsRead: 1, eventsCreated: 1, duplicatesSkipped: 0, rowsRejected: 0, rejected: [] },
  ],
  eventsCreated: 1,
  duplicatesSkipped: 0,
  rowsRejected: 0,
  reconcile: { matchesCreated: 1, exceptionsOpened: 0, exceptionsClosed: 0 },
};

function batch(source: string, format: string): ImportBatch {
  return {
    batchId: `b-${source}`,
    source,
    format,
    fileName: `${source}.csv`,
    startedAt: '2024-03-01T09:00:00.000Z',
    finishedAt: '2024-03-01T09:00:01.000Z',
    rowsRead: 1,
    eventsCreated: 1,
    duplicatesSkipped: 0,
    rowsRejected: 0,
    actor: 'user:ann',
  };
}

/** As the services answer for the preamble file: line 1 read as the header until the layout says line 5. */
function previewOf(fileName: string, text: string, r: ParsedRequestOf<'imports.preview'>): ImportPreview {
  if (text.startsWith('<')) {
    return {
      uploadId: r.uploadId,
      fileName,
      format: 'camt',
      formatDescription: 'ISO 20022 camt',
      encoding: 'utf-8',
      columns: [],
      rows: [],
      events: [],
      error: null,
      layoutGuess: null,
    };
  }
  const lines = text.trim().split('\n');
  const headerRow = r.mapping?.header_row ?? r.layout?.headerRow ?? 1;
  const [header = '', ...rows] = lines.slice(headerRow - 1);
  const base = {
    uploadId: r.uploadId,
    fileName,
    encoding: 'windows-1252',
    columns: header.split(';'),
    rows: rows.map((l) => l.split(';')),
    layoutGuess: { headerRow: 5, delimiter: ';', encoding: 'windows-1252' },
  };
  if (r.mapping === undefined) {
    return {
      ...base,
      format: r.format === GENERIC_CSV ? GENERIC_CSV : null,
      formatDescription: null,
      events: [],
      error: 'cannot tell the format; choose one or map the columns',
    };
  }
  // A mapping that reads a wrong date format: the import would fail at line 6 the same way.
  if (r.mapping.date_format !== 'DD.MM.YYYY')
    return {
      ...base,
      format: GENERIC_CSV,
      formatDescription: 'Any CSV',
      events: [],
      error: `${fileName}:6:1: "06.10.2026" is not a date in ${r.mapping.date_format}`,
    };
  return {
    ...base,
    format: GENERIC_CSV,
    formatDescription: 'Any CSV',
    events: [
      {
        eventId: 'pv_1',
        source: '',
        kind: 'bank_credit',
        externalId: 'h:1',
        amountMinor: 70_911,
        currency: 'EUR',
        occurredAt: '2026-10-05T22:00:00Z',
        localDate: '2026-10-06',
        orderRef: null,
        counterparty: null,
        description: 'STRIPE PAYOUT',
      },
    ],
    error: null,
  };
}

function setup(extra: FakeHandlers = {}, history: ImportBatch[] = []) {
  const staged = new Map<string, { fileName: string; text: string }>();
  const fake = createFakeApi({
    'imports.formats': () => ({ formats: [{ format: GENERIC_CSV, description: 'Any CSV' }], presets: [] }),
    'imports.history': () => ({ batches: history }),
    'imports.upload': (r) => {
      const uploadId = `up_${staged.size + 1}`;
      staged.set(uploadId, { fileName: r.fileName, text: new TextDecoder().decode(r.bytes) });
      return { uploadId, fileName: r.fileName, byteLength: r.bytes.byteLength };
    },
    'imports.preview': (r) => {
      const file = staged.get(r.uploadId);
      if (file === undefined) throw new ApiError({ kind: 'not_found', message: 'no such upload', field: 'uploadId' });
      return previewOf(file.fileName, file.text, r);
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

const fileOf = (name: string, text: string) =>
  new File([new TextEncoder().encode(text)], name, { type: name.endsWith('.json') ? 'application/json' : 'text/csv' });
const callsOf = (fake: FakeApi, method: string) => fake.calls.filter((c) => c.method === method);
const pick = (...files: File[]) => fireEvent.change(screen.getByLabelText('Files to import'), { target: { files } });

describe('bank CSV set-up', () => {
  it('starts from the header line its first lines suggest, with the file’s facts first in the editor', async () => {
    const { fake, store } = setup();
    pick(fileOf('sparkasse.csv', PREAMBLE_CSV));
    await waitFor(() => expect(store.getState().importMappingDraft.headerRow).toBe('5'));
    expect(store.getState().importMappingDraft).toMatchObject({ delimiter: ';', encoding: 'windows-1252' });
    // The columns are guessed from the real header on line 5, not from the preamble on line 1.
    await waitFor(() => expect(store.getState().importMappingDraft.columns.amount).toBe('Betrag'));
    expect(callsOf(fake, 'imports.preview').some((c) => (c.request as { layout?: { headerRow?: number } }).layout?.headerRow === 5)).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    const editor = screen.getByRole('region', { name: 'CSV mapping' });
    const groups = [...editor.querySelectorAll('fieldset > legend')].map((l) => l.textContent);
    expect(groups[0]).toBe('The file: where its table starts and how it is written');
    expect(within(editor).getByText(/Columns read from line 5: Buchungstag, Betrag, Verwendungszweck/)).toBeTruthy();
  });

  it('loads a saved mapping file dropped with the statement instead of importing it', async () => {
    const { fake, store } = setup();
    pick(fileOf('sparkasse-mapping.json', JSON.stringify(MAPPING)), fileOf('sparkasse.csv', PREAMBLE_CSV));
    await waitFor(() => expect(store.getState().importMappingFile).toBe('sparkasse-mapping.json'));
    expect(callsOf(fake, 'imports.upload').map((c) => (c.request as { fileName: string }).fileName)).toEqual(['sparkasse.csv']);
    await waitFor(() => expect(store.getState().importFiles[0]?.previewMapped).toBe(true));
    expect(store.getState().importFormat).toBe(GENERIC_CSV);
    expect(store.getState().importMappingDraft).toMatchObject({ name: 'Sparkasse Giro', headerRow: '5', timeZone: 'Europe/Berlin' });
    expect(importStepProblem(store.getState(), 'preview')).toBeNull();
    expect(store.getState().notices.at(-1)?.text).toBe('Mapping loaded from sparkasse-mapping.json');
  });

  it('imports a JSON that is not a mapping (a Stripe API export) as a file', async () => {
    const { fake } = setup();
    pick(fileOf('charges.json', '{"object": "list", "data": []}'));
    await waitFor(() => expect(callsOf(fake, 'imports.upload')).toHaveLength(1));
  });

  it('holds the wizard on the preview while the file cannot be read as chosen', async () => {
    const { store } = setup();
    pick(fileOf('sparkasse.csv', PREAMBLE_CSV));
    await waitFor(() => expect(store.getState().importFiles[0]?.status).toBe('staged'));
    await store.getState().loadMappingFile('m.json', JSON.stringify({ ...MAPPING, date_format: 'YYYY-MM-DD' }));
    await waitFor(() => expect(store.getState().importFiles[0]?.preview?.error).toMatch(/is not a date/));
    expect(importStepProblem(store.getState(), 'preview')).toBe('sparkasse.csv cannot be read as chosen: fix the format or the mapping first.');
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('sparkasse.csv cannot be read as chosen: fix the format or the mapping first.')).toBeTruthy();
  });

  it('offers the saved mappings of bank sources only, and a mapping file to load', async () => {
    setup({}, [batch('stripe:main', 'stripe-balance-csv'), batch('shopify:store', 'shopify-orders-csv'), batch('bank:giro', GENERIC_CSV)]);
    await waitFor(() => expect(screen.getByRole('table', { name: 'Sources' })).toBeTruthy());
    pick(fileOf('sparkasse.csv', PREAMBLE_CSV));
    await waitFor(() => expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    const picker = screen.getByLabelText('Start from the saved mapping of') as HTMLSelectElement;
    expect([...picker.options].map((o) => o.value)).toEqual(['bank:giro']);
    expect(screen.getByRole('button', { name: 'Load a mapping file…' })).toBeTruthy();
  });
});

describe('statements that do not balance', () => {
  it('offers to import anyway, and sends the same files with the difference accepted', async () => {
    const refused =
      'camt.xml: statement S1 (account DE89) does not balance: … a difference of 0.05 EUR. Nothing was imported. Import it anyway to record the statement with the difference in the journal.';
    const { fake, store } = setup({
      'imports.commit': (r) => {
        if (r.acceptUnbalanced !== true) throw new ApiError({ kind: 'bad_input', message: refused, field: 'acceptUnbalanced' });
        return OUTCOME;
      },
    });
    pick(fileOf('camt.xml', '<Document/>'));
    await waitFor(() => expect(store.getState().importFiles[0]?.preview?.format).toBe('camt'));
    store.getState().setImportStep('preview');
    store.getState().setImportStep('source');
    store.getState().setImportSource('bank:de');
    store.getState().setImportStep('commit');
    fireEvent.click(await screen.findByRole('button', { name: 'Import 1 file' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('does not balance');
    expect(alert.textContent).not.toContain('skip invalid rows');
    fireEvent.click(within(alert).getByRole('button', { name: 'Import anyway, recording the difference' }));
    await screen.findByRole('button', { name: 'Import more files' });
    expect(callsOf(fake, 'imports.commit').map((c) => (c.request as { acceptUnbalanced?: boolean }).acceptUnbalanced)).toEqual([undefined, true]);
    // One match: said in the singular.
    expect(screen.getByText('1 match created · 0 exceptions opened · 0 closed')).toBeTruthy();
  });

  it('does not offer to skip invalid rows when they are already skipped', async () => {
    const { store } = setup({
      'imports.commit': () => {
        throw new ApiError({ kind: 'bad_input', message: 'camt.xml:3:1: bad amount', field: null });
      },
    });
    pick(fileOf('camt.xml', '<Document/>'));
    await waitFor(() => expect(store.getState().importFiles[0]?.preview?.format).toBe('camt'));
    store.getState().setImportStep('preview');
    store.getState().setImportStep('source');
    store.getState().setImportSource('bank:de');
    store.getState().setImportStep('commit');
    fireEvent.click(await screen.findByLabelText('Skip invalid rows'));
    fireEvent.click(screen.getByRole('button', { name: 'Import 1 file' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Fix the file, the format or the mapping (Back), then import again.');
    expect(alert.textContent).not.toContain('or skip invalid rows');
  });
});
