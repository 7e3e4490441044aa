import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { ApiEvent, ImportOutcome, ImportPreview, WorkspaceInfo } from '../../src/shared/api/contract.ts';
import { ServiceHost } from '../../src/main/api/serviceHost.ts';
import { startBrowserHost, type BrowserHost } from '../../src/main/host/browserHost.ts';
import { createDemoWorkspace } from '../../src/main/workflows/demoMonth.ts';
import { writeMonthFiles } from '../../src/main/synthetic/monthFiles.ts';
import { makeTempDir } from '../support/tempDir.ts';

const root = makeTempDir('tieout-host-');
const rendererDir = join(root, 'renderer');
const SECRET = 'secret outside the renderer';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http, because fetch normalises `..` out of paths and will not send a forged Host header. */
function raw(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads server-sent events into `into` until the returned stop() is called. */
async function listen(url: string, token: string, into: ApiEvent[]): Promise<() => void> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { 'X-Tieout-Token': token }, signal: abort.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith('data: ')) into.push(JSON.parse(frame.slice(6)) as ApiEvent);
        }
      }
    } catch {
      // aborted
    }
  })();
  return () => abort.abort();
}

describe('browser host', () => {
  let services: ServiceHost;
  let host: BrowserHost;
  let base: string;

  async function call(
    method: string,
    request: unknown,
    callId = 'test',
  ): Promise<{ status: number; body: { ok: boolean; result?: unknown; error?: { kind: string; field: string | null; message: string } } }> {
    const response = await fetch(`${base}/api/call`, {
      method: 'POST',
      headers: { 'X-Tieout-Token': host.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ method, request, callId }),
    });
    return { status: response.status, body: (await response.json()) as never };
  }

  beforeAll(async () => {
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Tieout</title><script type="module" src="/assets/app.js"></script>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("tieout");');
    writeFileSync(join(rendererDir, 'assets', 'app.css'), 'body{}');
    writeFileSync(join(root, 'secret.txt'), SECRET);
    services = await ServiceHost.start({ configDir: join(root, 'config'), host: 'browser', actor: 'user:bob' });
    host = await startBrowserHost({ serviceHost: services, rendererDir });
    base = `http://127.0.0.1:${host.port}`;
  });
  afterAll(async () => {
    await host.close();
    await services.close();
  });

  it('hands out a loopback URL with a 64-hex-digit token', () => {
    expect(host.token).toMatch(/^[0-9a-f]{64}$/);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
  });

  it('refuses every route without the token, with 403 and no content', async () => {
    const wrong = 'f'.repeat(64);
    for (const [path, method] of [
      ['/', 'GET'],
      ['/assets/app.js', 'GET'],
      ['/api/events', 'GET'],
      ['/api/call', 'POST'],
      ['/api/upload?fileName=a.csv', 'POST'],
      ['/nope', 'GET'],
    ] as const) {
      const none = await raw(host.port, path, {}, method);
      expect([path, none.status, none.body]).toEqual([path, 403, '']);
      const bad = await raw(host.port, path, { 'X-Tieout-Token': wrong, Cookie: `tieout_token_${host.port}=${wrong}` }, method);
      expect([path, bad.status, bad.body]).toEqual([path, 403, '']);
    }
    expect((await raw(host.port, `/?token=${'0'.repeat(64)}`)).status).toBe(403);
    // The query token opens pages only; an API call must carry it in the header or the cookie.
    expect((await raw(host.port, `/api/call?token=${host.token}`, {}, 'POST')).status).toBe(403);
  });

  it('refuses a Host header other than its own (DNS rebinding), even with the token', async () => {
    const refused = await raw(host.port, `/?token=${host.token}`, { Host: `attacker.example:${host.port}` });
    expect(refused.status).toBe(421);
    expect(refused.body).toBe('');
    expect((await raw(host.port, `/?token=${host.token}`, { Host: `localhost:${host.port + 1}` })).status).toBe(421);
    expect((await raw(host.port, `/?token=${host.token}`, { Host: `localhost:${host.port}` })).status).toBe(200);
    const crossOrigin = await raw(host.port, '/api/call', { 'X-Tieout-Token': host.token, Origin: 'http://attacker.example' }, 'POST');
    expect(crossOrigin.status).toBe(403);
  });

  it('sets the token cookie on the first page load; the cookie then loads assets with strict headers', async () => {
    const page = await raw(host.port, `/?token=${host.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Tieout</title>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const cookie = (page.headers['set-cookie'] ?? [])[0] ?? '';
    expect(cookie).toMatch(new RegExp(`^tieout_token_${host.port}=${host.token};`));
    for (const attribute of ['HttpOnly', 'SameSite=Strict', 'Path=/']) expect(cookie).toContain(attribute);
    expect(page.headers['content-security-policy']).toBe("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['cache-control']).toBe('no-store');

    const jar = cookie.split(';')[0] as string;
    const script = await raw(host.port, '/assets/app.js', { Cookie: jar });
    expect([script.status, script.headers['content-type'], script.body]).toEqual([200, 'text/javascript; charset=utf-8', 'console.log("tieout");']);
    expect(script.headers['set-cookie']).toBeUndefined();
    expect((await raw(host.port, '/assets/app.css', { Cookie: jar })).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await raw(host.port, '/', { Cookie: jar })).body).toContain('<title>Tieout</title>');
    expect((await raw(host.port, '/assets/missing.js', { Cookie: jar })).status).toBe(404);

    // An API call may ride on the cookie alone.
    const viaCookie = await fetch(`${base}/api/call`, {
      method: 'POST',
      headers: { Cookie: jar },
      body: JSON.stringify({ method: 'app.info', request: {} }),
    });
    expect(await viaCookie.json()).toEqual({ ok: true, result: { name: 'Tieout', version: '0.1.0', host: 'browser' } });
  });

  it('never serves a file outside the renderer folder', async () => {
    const auth = { 'X-Tieout-Token': host.token };
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets',
      '/%00',
    ]) {
      const r = await raw(host.port, path, auth);
      expect([path, r.status]).toEqual([path, r.status === 400 ? 400 : 404]);
      expect(r.body).not.toContain(SECRET);
    }
  });

  it('refuses to start when the renderer is not built', async () => {
    const empty = join(root, 'not-built');
    mkdirSync(empty);
    await expect(startBrowserHost({ serviceHost: services, rendererDir: empty })).rejects.toThrow(/npm run build/);
  });

  it('answers contract errors with their kind, the field, and a matching HTTP status', async () => {
    const invalid = await call('exceptions.query', { startRow: -1, endRow: 10 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ kind: 'invalid_request', field: 'startRow' });
    const unknown = await call('no.such', {});
    expect([unknown.status, unknown.body.error?.field]).toEqual([400, 'method']);
    const noWorkspace = await call('dashboard.get', {});
    expect([noWorkspace.status, noWorkspace.body.error?.kind]).toEqual([409, 'no_workspace']);
    const notJson = await fetch(`${base}/api/call`, { method: 'POST', headers: { 'X-Tieout-Token': host.token }, body: '{' });
    expect(notJson.status).toBe(400);
    const tooBig = await raw(host.port, '/api/call', { 'X-Tieout-Token': host.token, 'Content-Length': String(11 * 1024 * 1024) }, 'POST');
    expect(tooBig.status).toBe(413);
  });

  it('opens a demo workspace through the API and answers real calls on it', async () => {
    const demo = join(root, 'demo');
    createDemoWorkspace(demo, { orders: 200, actor: 'user:test' }).workspace.close();
    const opened = await call('workspace.open', { path: demo });
    expect(opened.status).toBe(200);
    expect(opened.body.result).toMatchObject({ path: demo, name: 'Demo month (Ridge Outfitters)' });
    const dashboard = await call('dashboard.get', {});
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.result).toMatchObject({ reportingCurrency: 'USD' });
    expect((dashboard.body.result as { openExceptionsTotal: number }).openExceptionsTotal).toBeGreaterThan(0);
    const missing = await call('imports.preview', { uploadId: 'up_nope' });
    expect([missing.status, missing.body.error?.kind]).toEqual([404, 'not_found']);
  });

  it('uploads, previews and commits a Stripe CSV, with progress and change events on /api/events', async () => {
    const ws = join(root, 'fresh');
    const created = await call('workspace.create', { path: ws, reportingCurrency: 'USD', timeZone: 'UTC', locale: 'en-US' });
    expect((created.body.result as WorkspaceInfo).eventCount).toBe(0);
    const month = writeMonthFiles(join(root, 'month'), { orders: 200, seed: 7 });
    const bytes = readFileSync(month.stripeCsv);

    let eventsCreated: number | undefined;
    const events: ApiEvent[] = [];
    const stop = await listen(`${base}/api/events`, host.token, events);
    try {
      const uploadResponse = await fetch(`${base}/api/upload?fileName=stripe-balance.csv&callId=up-1`, {
        method: 'POST',
        headers: { 'X-Tieout-Token': host.token, 'Content-Type': 'application/octet-stream' },
        body: bytes,
      });
      expect(uploadResponse.status).toBe(200);
      const upload = ((await uploadResponse.json()) as { result: { uploadId: string; fileName: string; byteLength: number } }).result;
      expect(upload).toMatchObject({ fileName: 'stripe-balance.csv', byteLength: bytes.byteLength });

      const preview = (await call('imports.preview', { uploadId: upload.uploadId })).body.result as ImportPreview;
      expect(preview).toMatchObject({ uploadId: upload.uploadId, fileName: 'stripe-balance.csv', format: 'stripe-balance-csv', error: null });
      expect(preview.events.length).toBeGreaterThan(0);

      const commit = await call('imports.commit', { uploadIds: [upload.uploadId], source: 'stripe:main' }, 'commit-1');
      expect(commit.status).toBe(200);
      const outcome = commit.body.result as ImportOutcome;
      expect(outcome.files).toEqual([expect.objectContaining({ fileName: 'stripe-balance.csv', format: 'stripe-balance-csv', rowsRejected: 0 })]);
      expect(outcome.eventsCreated).toBeGreaterThan(200);
      eventsCreated = outcome.eventsCreated;
      expect(outcome.reconcile).not.toBeNull();

      // The staged upload is gone once committed.
      expect((await call('imports.preview', { uploadId: upload.uploadId })).status).toBe(404);

      await expect.poll(() => events.some((e) => e.type === 'changed' && e.what.includes('imports')), { timeout: 5000 }).toBe(true);
      const progress = events.filter((e) => e.type === 'progress' && e.callId === 'commit-1');
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.some((e) => e.type === 'progress' && e.label === 'Reading stripe-balance.csv')).toBe(true);
      expect(progress.every((e) => e.type === 'progress' && e.method === 'imports.commit')).toBe(true);
      expect(events).toContainEqual({ type: 'changed', what: ['imports', 'matches', 'exceptions'] });
    } finally {
      stop();
    }

    const info = (await call('workspace.current', {})).body.result as WorkspaceInfo;
    expect(info.eventCount).toBe(eventsCreated);
  });
});
