import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UploadStore, MAX_UPLOAD_BYTES } from '../../src/main/import/uploadStore.ts';
import { ApiError } from '../../src/shared/api/contract.ts';
import { makeTempDir } from '../support/tempDir.ts';

const root = makeTempDir();
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('UploadStore', () => {
  it('stages bytes under a private folder, keeping the original file name', () => {
    const store = new UploadStore(join(root, 'a'));
    const up = store.put('Stripe balance (Oct).csv', bytes('id,amount\n1,2\n'));
    expect(up).toMatchObject({ fileName: 'Stripe balance (Oct).csv', byteLength: 14 });
    expect(up.uploadId).toMatch(/^up_[0-9a-f]{32}$/);
    const path = store.path(up.uploadId);
    expect(basename(path)).toBe('Stripe balance (Oct).csv');
    expect(basename(dirname(path))).toBe(up.uploadId);
    expect(readFileSync(path, 'utf8')).toBe('id,amount\n1,2\n');
    expect(store.fileName(up.uploadId)).toBe('Stripe balance (Oct).csv');
    const staging = dirname(dirname(path));
    expect(dirname(staging)).toBe(join(root, 'a'));
    if (process.platform !== 'win32') expect(statSync(staging).mode & 0o077).toBe(0);
    store.close();
  });

  it('gives two uploads of the same name separate ids and files', () => {
    const store = new UploadStore(join(root, 'b'));
    const one = store.put('bank.xml', bytes('one'));
    const two = store.put('bank.xml', bytes('two'));
    expect(one.uploadId).not.toBe(two.uploadId);
    expect(readFileSync(store.path(one.uploadId), 'utf8')).toBe('one');
    expect(readFileSync(store.path(two.uploadId), 'utf8')).toBe('two');
    store.close();
  });

  it.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['../escape.csv', 'path separator'],
    ['nested/file.csv', 'path separator'],
    ['C:\\Users\\me\\file.csv', 'path separator'],
    ['..', 'is not a file name'],
    ['.', 'is not a file name'],
    ['bad\u0000name.csv', 'control character'],
    ['tab\tname.csv', 'control character'],
    [`${'é'.repeat(130)}.csv`, '255 bytes'],
  ])('refuses the file name %j', (name, why) => {
    const store = new UploadStore(join(root, 'c'));
    const err = refusal(() => store.put(name, bytes('x')));
    expect(err.kind).toBe('bad_input');
    expect(err.field).toBe('fileName');
    expect(err.message).toContain(why);
    // Nothing was staged, inside or outside the store.
    const staging = readdirSync(join(root, 'c')).map((d) => join(root, 'c', d));
    expect(staging.flatMap((d) => readdirSync(d))).toEqual([]);
    expect(existsSync(join(root, 'escape.csv'))).toBe(false);
    store.close();
  });

  it('refuses more than 2 GiB without writing it', () => {
    const store = new UploadStore(join(root, 'd'));
    // A view that claims to be larger than the limit, without allocating it.
    const huge = { byteLength: MAX_UPLOAD_BYTES + 1 } as Uint8Array;
    const err = refusal(() => store.put('big.csv', huge));
    expect(err).toMatchObject({ kind: 'bad_input', field: 'bytes' });
    expect(err.message).toContain('2 GiB');
    store.close();
  });

  it('answers not_found for unknown and discarded ids, and discard removes the bytes', () => {
    const store = new UploadStore(join(root, 'e'));
    expect(refusal(() => store.path('up_nope'))).toMatchObject({ kind: 'not_found', field: 'uploadId' });
    expect(refusal(() => store.fileName('../../etc/passwd')).kind).toBe('not_found');
    const up = store.put('a.csv', bytes('a'));
    const path = store.path(up.uploadId);
    store.discard(up.uploadId);
    expect(existsSync(dirname(path))).toBe(false);
    expect(refusal(() => store.path(up.uploadId)).kind).toBe('not_found');
    store.discard(up.uploadId);
    store.close();
  });

  it('close removes the staging folder and everything in it', () => {
    const store = new UploadStore(join(root, 'f'));
    const path = store.path(store.put('a.csv', bytes('a')).uploadId);
    const staging = dirname(dirname(path));
    store.close();
    expect(existsSync(staging)).toBe(false);
    expect(readdirSync(join(root, 'f'))).toEqual([]);
    expect(() => store.put('b.csv', bytes('b'))).toThrow('closed');
  });
});
