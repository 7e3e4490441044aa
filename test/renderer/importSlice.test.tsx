// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { ApiError, type ImportBatch, type ImportOutcome, type ImportPreview, type ParsedRequestOf } from '../../src/shared/api/contract.ts';
import { CsvMappingSchema } from '../../src/shared/import/csvMapping.ts';
import { createAppStore, type AppStore } from '../../src/renderer/src/store/appStore.ts';
import {
  GENERIC_CSV,
  IMPORT_PREVIEW_DEBOUNCE_MS,
  commitRequestFor,
  importStepProblem,
  suggestSource,
} from '../../src/renderer/src/store/importSlice.ts';
import { checkDraft } from '../../src/renderer/src/screens/sources/mappingDraft.ts';
import { createFakeApi, type FakeApi, type FakeHandlers } from './fakeApi.ts';

const STRIPE_CSV = 'id,Type,Amount,Currency,Created\ntxn_1,charge,12.50,EUR,2024-03-01 10:00:00\n';
const BANK_CSV = 'Date;Amount;Memo\n01.03.2024;100,00;Payout\n02.03.2024;-5,00;Fee\n';

function batch(overrides: Partial<ImportBatch>): ImportBatch {
  return {
    batchId: 'b1',
    source: 'stripe:main',
    format: 'stripe-balance-csv',
    fileName: 'old.csv',
    startedAt: '2024-03-01T09:00:00.000Z',
    finishedAt: '2024-03-01T09:00:01.000Z',
    rowsRead: 10,
    eventsCreated: 10,
    duplicatesSkipped: 0,
    rowsRejected: 0,
    actor: 'user:ann',
    ...overrides,
  };
}

const OUTCOME: ImportOutcome = {
  files: [
    {
      fileName: 'stripe.csv',
      batchId: 'bt_1',
      format: 'stripe-balance-csv',
      rowsRead: 3,
      eventsCreated: 2,
      duplicatesSkipped: 0,
      rowsRejected: 1,
      rejected: [{ line: 3, column: 3, message: 'amount "x" is not a number' }],
    },
  ],
  eventsCreated: 2,
  duplicatesSkipped: 0,
  rowsRejected: 1,
  reconcile: { matchesCreated: 1, exceptionsOpened: 1, exceptionsClosed: 0 },
};

/** A fake backend that stages bytes, recognises the Stripe file by its header and nothing else. */
function importBackend(extra: FakeHandlers = {}): { fake: FakeApi; staged: Map<string, { fileName: string; bytes: Uint8Array }> } {
  const staged = new Map<string, { fileName: string; bytes: Uint8Array }>();
  const preview = (r: ParsedRequestOf<'imports.preview'>): ImportPreview => {
    const file = staged.get(r.uploadId);
    if (file === undefined) throw new ApiError({ kind: 'not_found', message: `no upload ${r.uploadId}`, field: 'uploadId' });
    const text = new TextDecoder().decode(file.bytes);
    const isStripe = text.startsWith('id,Type');
    const lines = text.trim().split('\n');
    const delimiter = isStripe ? ',' : ';';
    const [header = [], ...rows] = lines.map((l) => l.split(delimiter));
    const format = r.format ?? (isStripe ? 'stripe-balance-csv' : null);
    const base = { uploadId: r.uploadId, fileName: file.fileName, encoding: 'utf-8', columns: header, rows, layoutGuess: null };
    if (format === null)
      return { ...base, format: null, formatDescription: null, events: [], error: `${file.fileName}: a file of no recognised format` };
    // As the services answer: generic-csv without a (valid) mapping shows the grid, cut by the layout, and no events.
    if (format === 'generic-csv' && r.mapping === undefined)
      return {
        ...base,
        format,
        formatDescription: 'Any CSV',
        events: [],
        error: 'generic-csv reads the file through a column mapping; map the columns',
      };
    const currency = r.mapping?.currency ?? 'EUR';
    return {
      ...base,
      format,
      formatDescription: format === GENERIC_CSV ? 'Any CSV' : 'Stripe balance CSV',
      events: [
        {
          eventId: 'ev_p1',
          source: 'preview',
          kind: 'payment',
          externalId: 'txn_1',
          amountMinor: 1250,
          currency,
          occurredAt: '2024-03-01T10:00:00.000Z',
          localDate: null,
          orderRef: null,
          counterparty: null,
          description: null,
        },
      ],
      error: null,
    };
  };
  const fake = createFakeApi({
    'imports.formats': () => ({
      formats: [
        { format: 'stripe-balance-csv', description: 'Stripe balance CSV' },
        { format: GENERIC_CSV, description: 'Any CSV' },
      ],
      presets: ['chase'],
    }),
    'imports.history': () => ({ batches: [] }),
    'imports.upload': (r) => {
      const uploadId = `up_${staged.size + 1}`;
      staged.set(uploadId, { fileName: r.fileName, bytes: r.bytes });
      return { uploadId, fileName: r.fileName, byteLength: r.bytes.byteLength };
    },
    'imports.preview': preview,
    'imports.commit': () => OUTCOME,
    'mappings.get': () => ({ mapping: null }),
    ...extra,
  });
  return { fake, staged };
}

const fileOf = (name: string, text: string) => new File([new TextEncoder().encode(text)], name, { type: 'text/csv' });
const callsOf = (fake: FakeApi, method: string) => fake.calls.filter((c) => c.method === method);

async function stagedStore(
  extra: FakeHandlers = {},
  files = [fileOf('stripe.csv', STRIPE_CSV)],
): Promise<{ fake: FakeApi; store: AppStore; staged: Map<string, { fileName: string; bytes: Uint8Array }> }> {
  const { fake, staged } = importBackend(extra);
  const store = createAppStore(fake);
  await store.getState().loadImportHistory();
  await store.getState().addImportFiles(files);
  return { fake, store, staged };
}

describe('import slice', () => {
  it('stages each file with its bytes, previews it and commits with a validated source', async () => {
    const { fake, store, staged } = await stagedStore({}, [
      fileOf('stripe.csv', STRIPE_CSV),
      fileOf('stripe-2.csv', STRIPE_CSV.replace('txn_1', 'txn_2')),
    ]);

    const uploads = callsOf(fake, 'imports.upload');
    expect(uploads).toHaveLength(2);
    const first = uploads[0]?.request as { fileName: string; bytes: unknown };
    expect(first.fileName).toBe('stripe.csv');
    expect(first.bytes).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(first.bytes as Uint8Array)).toBe(STRIPE_CSV);
    expect(new TextDecoder().decode(staged.get('up_2')?.bytes)).toContain('txn_2');

    const files = store.getState().importFiles;
    expect(files.map((f) => [f.status, f.uploadId, f.byteLength])).toEqual([
      ['staged', 'up_1', STRIPE_CSV.length],
      ['staged', 'up_2', STRIPE_CSV.length],
    ]);
    expect(files[0]?.preview?.format).toBe('stripe-balance-csv');
    expect(callsOf(fake, 'imports.preview').map((c) => c.request)).toEqual([{ uploadId: 'up_1' }, { uploadId: 'up_2' }]);

    store.getState().setImportStep('preview');
    store.getState().setImportStep('source');
    expect(store.getState().importStep).toBe('source');
    expect(store.getState().importSource).toBe('stripe:main');

    store.getState().setImportSource('Stripe Main');
    expect(importStepProblem(store.getState(), 'source')).toMatch(/KIND or KIND:NAME/);
    store.getState().setImportStep('commit');
    expect(store.getState().importStep).toBe('source');
    expect(await store.getState().commitImport()).toBeNull();
    expect(store.getState().importCommitError).toMatch(/KIND or KIND:NAME/);
    expect(callsOf(fake, 'imports.commit')).toHaveLength(0);

    store.getState().setImportSource('stripe:eu');
    store.getState().setImportStep('commit');
    store.getState().setImportSkipInvalid(true);
    const outcome = await store.getState().commitImport();
    expect(outcome?.eventsCreated).toBe(2);
    const commit = callsOf(fake, 'imports.commit');
    expect(commit).toHaveLength(1);
    expect(commit[0]?.request).toEqual({ uploadIds: ['up_1', 'up_2'], source: 'stripe:eu', skipInvalid: true });
    expect(commit[0]?.callId).toBeDefined();
    expect(store.getState().importStep).toBe('result');
    expect(store.getState().importOutcome?.files[0]?.rejected[0]).toEqual({ line: 3, column: 3, message: 'amount "x" is not a number' });
    expect(store.getState().jobs).toEqual([]);

    store.getState().setImportStep('files');
    expect(store.getState().importStep).toBe('result');
    store.getState().resetImport();
    expect(store.getState().importStep).toBe('files');
    expect(store.getState().importFiles).toEqual([]);
    expect(store.getState().importOutcome).toBeNull();
  });

  it('keeps the wizard as it was when the import fails as a whole, and retries with the fixed option', async () => {
    const { fake, store } = await stagedStore({
      'imports.commit': (r) => {
        if (r.skipInvalid !== true) {
          throw new ApiError({ kind: 'bad_input', message: 'stripe.csv: line 3, column 3: amount "x" is not a number', field: null });
        }
        return OUTCOME;
      },
    });
    store.getState().setImportStep('source');
    store.getState().setImportStep('commit');
    const before = store.getState();

    expect(await store.getState().commitImport()).toBeNull();
    const after = store.getState();
    expect(after.importCommitError).toBe('stripe.csv: line 3, column 3: amount "x" is not a number');
    expect(after.importStep).toBe('commit');
    expect(after.importFiles).toBe(before.importFiles);
    expect(after.importSource).toBe('stripe:main');
    expect(after.importCommitting).toBe(false);
    expect(after.importOutcome).toBeNull();

    store.getState().setImportSkipInvalid(true);
    expect((await store.getState().commitImport())?.rowsRejected).toBe(1);
    expect(store.getState().importCommitError).toBeNull();
    expect(callsOf(fake, 'imports.commit').map((c) => (c.request as { uploadIds: string[] }).uploadIds)).toEqual([['up_1'], ['up_1']]);
  });

  it('reads a CSV of no known format through a mapping it previews and commits with the file', async () => {
    const { fake, store } = await stagedStore({}, [fileOf('bank.csv', BANK_CSV)]);

    expect(store.getState().importFormat).toBe(GENERIC_CSV);
    expect(store.getState().importFormatNote).toMatch(/bank\.csv: no known format/);
    const draft = store.getState().importMappingDraft;
    expect(draft.columns.occurred_at).toBe('Date');
    expect(draft.columns.amount).toBe('Amount');
    // Currency and date format are still to be told: no mapped preview yet, and the step says why.
    expect(checkDraft(draft).ok).toBe(false);
    expect(importStepProblem(store.getState(), 'preview')).toMatch(/Complete the mapping/);
    expect(callsOf(fake, 'imports.preview').filter((c) => (c.request as { mapping?: unknown }).mapping !== undefined)).toHaveLength(0);
    // The incomplete mapping still previews, cut by its layout, so the columns it must name are the real header.
    await vi.waitFor(() => expect(callsOf(fake, 'imports.preview')).toHaveLength(2));
    expect(callsOf(fake, 'imports.preview')[1]?.request).toEqual({ uploadId: 'up_1', format: GENERIC_CSV, layout: {} });

    store.getState().setImportMappingDraft({ ...draft, currency: 'eur', dateFormat: 'DD.MM.YYYY', decimal: ',', delimiter: ';' });
    expect(callsOf(fake, 'imports.preview')).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, IMPORT_PREVIEW_DEBOUNCE_MS + 50));
    const mapped = callsOf(fake, 'imports.preview').at(-1)?.request as { format: string; mapping: unknown };
    expect(mapped.format).toBe(GENERIC_CSV);
    const mapping = CsvMappingSchema.parse(mapped.mapping);
    expect(mapping).toMatchObject({
      columns: { occurred_at: 'Date', amount: 'Amount' },
      currency: 'EUR',
      date_format: 'DD.MM.YYYY',
      decimal: ',',
      kind_by_sign: { positive: 'bank_credit', negative: 'bank_debit' },
    });
    expect(store.getState().importFiles[0]?.preview?.format).toBe(GENERIC_CSV);

    store.getState().setImportStep('source');
    expect(store.getState().importSource).toBe('bank:operating');
    store.getState().setImportStep('commit');
    const built = commitRequestFor(store.getState());
    expect('request' in built && built.request).toMatchObject({ format: GENERIC_CSV, source: 'bank:operating' });
    await store.getState().commitImport();
    const commit = callsOf(fake, 'imports.commit')[0]?.request as { mapping: unknown; format: string };
    expect(commit.format).toBe(GENERIC_CSV);
    expect(CsvMappingSchema.parse(commit.mapping)).toEqual(mapping);
  });

  it("starts the mapping from the source's saved one", async () => {
    const saved = {
      version: 1,
      kind: 'bank_credit',
      columns: { occurred_at: 'Date', amount: 'Amount', description: 'Memo' },
      currency: 'CHF',
      date_format: 'DD.MM.YYYY',
      decimal: ',',
      thousands: "'",
      sign: 'as_is',
      external_id_strategy: 'row_hash',
    };
    const { fake, store } = await stagedStore(
      {
        'imports.history': () => ({ batches: [batch({ source: 'bank:zkb', format: GENERIC_CSV })] }),
        'mappings.get': (r) => ({ mapping: r.source === 'bank:zkb' ? saved : null }),
      },
      [fileOf('bank.csv', BANK_CSV)],
    );
    expect(callsOf(fake, 'mappings.get').map((c) => c.request)).toEqual([{ source: 'bank:zkb' }]);
    expect(store.getState().importMappingLoadedFrom).toBe('bank:zkb');
    const draft = store.getState().importMappingDraft;
    expect(draft).toMatchObject({ kindMode: 'fixed', kind: 'bank_credit', currency: 'CHF', thousands: "'", externalIdStrategy: 'row_hash' });
    const previewed = callsOf(fake, 'imports.preview').at(-1)?.request as { mapping: unknown };
    expect(CsvMappingSchema.parse(previewed.mapping)).toEqual(CsvMappingSchema.parse(saved));
    store.getState().setImportStep('source');
    expect(store.getState().importSource).toBe('bank:zkb');
  });

  it('asks for a format override and passes presets through', async () => {
    const { fake, store } = await stagedStore({}, [fileOf('chase.csv', BANK_CSV)]);
    await store.getState().setImportFormat('preset:chase');
    expect(callsOf(fake, 'imports.preview').at(-1)?.request).toEqual({ uploadId: 'up_1', format: 'preset:chase' });
    expect(suggestSource(store.getState())).toBe('bank:operating');
    store.getState().setImportStep('source');
    store.getState().setImportStep('commit');
    await store.getState().commitImport();
    expect(callsOf(fake, 'imports.commit')[0]?.request).toEqual({
      uploadIds: ['up_1'],
      source: 'bank:operating',
      format: 'preset:chase',
      skipInvalid: false,
    });
  });

  it('marks a file that could not be staged and keeps the wizard on the files step', async () => {
    const { store } = await stagedStore({
      'imports.upload': () => {
        throw new ApiError({ kind: 'bad_input', message: 'empty.csv: the file is empty', field: null });
      },
    });
    const file = store.getState().importFiles[0];
    expect(file?.status).toBe('failed');
    expect(file?.error).toBe('empty.csv: the file is empty');
    expect(importStepProblem(store.getState(), 'files')).toMatch(/could not be staged/);
    store.getState().setImportStep('preview');
    expect(store.getState().importStep).toBe('files');
    store.getState().removeImportFile(file?.key ?? '');
    expect(importStepProblem(store.getState(), 'files')).toBe('Add at least one file.');
  });

  it('suggests each provider export its own processor source kind', async () => {
    const { store } = await stagedStore({});
    const suggest = (importFormat: string): string => suggestSource({ ...store.getState(), importFormat, importHistory: [] });
    expect(suggest('shopify-payments-csv')).toBe('shopify-payments:store');
    expect(suggest('shopify-transactions-csv')).toBe('shopify-transactions:store');
    expect(suggest('amazon-settlement-tsv')).toBe('amazon:main');
    expect(suggest('stripe-payouts-csv')).toBe('stripe:main');
    expect(suggest('stripe-payments-csv')).toBe('stripe:main');
  });

  it('suggests the source the format was last imported into', async () => {
    const { store } = await stagedStore({
      'imports.history': () => ({
        batches: [
          batch({ batchId: 'b1', source: 'stripe:us', finishedAt: '2024-03-01T00:00:00.000Z' }),
          batch({ batchId: 'b2', source: 'stripe:eu', finishedAt: '2024-03-05T00:00:00.000Z' }),
        ],
      }),
    });
    expect(suggestSource(store.getState())).toBe('stripe:eu');
  });
});
