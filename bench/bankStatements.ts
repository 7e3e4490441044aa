// Synthetic bank statements for the benchmark: one long camt.053 or MT940 statement, written as a stream.
import { openSync, writeSync, closeSync } from 'node:fs';
import { camtChunks, type CamtWriterEntry } from '../src/main/synthetic/camtWriter.ts';
import { mt940StatementChunks, type Mt940EntryInput } from '../src/main/synthetic/mt940Writer.ts';
import { seededRandom } from '../src/main/synthetic/stripeBalanceCsvWriter.ts';

interface BenchEntry {
  amountMinor: number;
  date: string;
  reference: string;
  remittance: string;
}

function* benchEntries(count: number): Generator<BenchEntry> {
  const rnd = seededRandom(7);
  for (let i = 0; i < count; i++) {
    const day = 1 + Math.floor((i * 28) / count);
    const amount = Math.floor(rnd() * 200_000) - 60_000;
    yield {
      amountMinor: amount === 0 ? 1 : amount,
      date: `2026-10-${String(day).padStart(2, '0')}`,
      reference: `REF${String(i).padStart(9, '0')}`,
      remittance: `STRIPE PAYOUT po_${i} INVOICE ${1000 + i}`,
    };
  }
}

function sum(count: number): number {
  let s = 0;
  for (const e of benchEntries(count)) s += e.amountMinor;
  return s;
}

function writeChunks(path: string, chunks: Iterable<string>): void {
  const fd = openSync(path, 'w');
  try {
    for (const c of chunks) writeSync(fd, c);
  } finally {
    closeSync(fd);
  }
}

export function writeBenchCamt(path: string, count: number): void {
  const opening = 10_000_000;
  const entries = (function* (): Generator<CamtWriterEntry> {
    for (const e of benchEntries(count)) {
      yield { amountMinor: e.amountMinor, bookingDate: e.date, valueDate: e.date, reference: e.reference, remittance: e.remittance };
    }
  })();
  writeChunks(
    path,
    camtChunks([
      { id: 'BENCH-2026-10', account: 'DE89370400440532013000', currency: 'EUR', openingMinor: opening, closingMinor: opening + sum(count), entries },
    ]),
  );
}

export function writeBenchMt940(path: string, count: number): void {
  const entries = (function* (): Generator<Mt940EntryInput> {
    for (const e of benchEntries(count)) {
      yield { valueDate: e.date, bookingDate: e.date, amountMinor: e.amountMinor, bankReference: e.reference, details: e.remittance };
    }
  })();
  writeChunks(
    path,
    mt940StatementChunks({
      reference: 'BENCH202610',
      account: '37040044/0532013000',
      currency: 'EUR',
      date: '2026-09-30',
      closingDate: '2026-10-28',
      openingMinor: 10_000_000,
      entries,
    }),
  );
}
