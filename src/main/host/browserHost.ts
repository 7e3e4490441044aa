// The browser host (DESIGN §1, §11): a loopback-only HTTP server that serves the built renderer and answers
// the API contract, so the real UI runs in any Chromium. It binds 127.0.0.1, needs a per-launch random token
// on every request, and refuses any Host header but its own (DNS rebinding).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, realpathSync, statSync, createReadStream } from 'node:fs';
import { extname, join, relative, resolve, isAbsolute } from 'node:path';
import { invalidRequest, type ApiErrorBody, type ApiEvent } from '../../shared/api/contract.ts';
import type { Envelope, ServiceHost } from '../api/serviceHost.ts';

/** Per port: two `tieout serve` on this host must not overwrite each other's cookie (cookies ignore ports). */
export function tokenCookieName(port: number): string {
  return `tieout_token_${port}`;
}
export const TOKEN_HEADER = 'x-tieout-token';
export const CALL_BODY_LIMIT = 10 * 1024 * 1024;
export const UPLOAD_BODY_LIMIT = 2 * 1024 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

const COMMON_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };
const PAGE_HEADERS = {
  ...COMMON_HEADERS,
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
  'Referrer-Policy': 'no-referrer',
};

const STATUS_BY_KIND: Record<ApiErrorBody['kind'], number> = {
  invalid_request: 400,
  bad_input: 400,
  not_found: 404,
  no_workspace: 409,
  internal: 500,
};

export interface BrowserHostOptions {
  serviceHost: Pick<ServiceHost, 'call' | 'onEvent'>;
  /** The built renderer (`npm run build` writes it to out/renderer). */
  rendererDir: string;
  /** 0 (default): a free port. */
  port?: number;
}

export interface BrowserHost {
  /** The address to open, token included. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** The renderer has not been built: the message says how to build it. */
export class RendererMissingError extends Error {
  constructor(rendererDir: string) {
    super(`${rendererDir} holds no index.html: build the renderer first with "npm run build"`);
    this.name = 'RendererMissingError';
  }
}

export function assertRendererBuilt(rendererDir: string): void {
  if (!existsSync(join(rendererDir, 'index.html'))) throw new RendererMissingError(rendererDir);
}

function tokenMatches(candidate: string | null | undefined, expected: Buffer): boolean {
  if (typeof candidate !== 'string') return false;
  const given = Buffer.from(candidate, 'utf8');
  // Lengths differ only for a malformed token; the token's length is no secret.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function refuse(res: ServerResponse, status: number): void {
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Length': '0' }).end();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { ...COMMON_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) })
    .end(text);
}

function sendEnvelope(res: ServerResponse, envelope: Envelope): void {
  sendJson(res, envelope.ok ? 200 : STATUS_BY_KIND[envelope.error.kind], envelope);
}

class BodyTooLarge extends Error {}

/** Reads a whole request body, refusing one larger than `limit` (by its Content-Length or as it streams). */
async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = req.headers['content-length'] === undefined ? null : Number(req.headers['content-length']);
  if (declared !== null && (!Number.isSafeInteger(declared) || declared > limit)) throw new BodyTooLarge();
  if (declared !== null) {
    // One allocation of the announced size, owned outright so it can be transferred to the service worker.
    const body = new Uint8Array(declared);
    let at = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      if (at + chunk.length > declared) throw new BodyTooLarge();
      body.set(chunk, at);
      at += chunk.length;
    }
    return at === declared ? body : body.subarray(0, at);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}

/** Starts the host on 127.0.0.1; fails when the renderer is not built. */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  assertRendererBuilt(options.rendererDir);
  const rendererRoot = realpathSync(options.rendererDir);
  const token = randomBytes(32).toString('hex');
  const expected = Buffer.from(token, 'utf8');
  const streams = new Set<ServerResponse>();
  let port = 0;

  function allowedHost(host: string | undefined): boolean {
    return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  }

  function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string, setCookie: boolean): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405);
    let path: string;
    try {
      path = decodeURIComponent(pathname);
    } catch {
      return refuse(res, 400);
    }
    if (path.includes('\0')) return refuse(res, 400);
    const wanted = resolve(rendererRoot, `.${path === '/' ? '/index.html' : path}`);
    const inside = relative(rendererRoot, wanted);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return refuse(res, 404);
    let file: string;
    try {
      // Resolving links keeps a symlink inside the renderer from reaching outside it.
      file = realpathSync(wanted);
      const within = relative(rendererRoot, file);
      if (within.startsWith('..') || isAbsolute(within) || !statSync(file).isFile()) return refuse(res, 404);
    } catch {
      return refuse(res, 404);
    }
    const headers: Record<string, string | number> = {
      ...PAGE_HEADERS,
      'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': statSync(file).size,
    };
    if (setCookie) headers['Set-Cookie'] = `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  function serveEvents(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET') return refuse(res, 405);
    res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    streams.add(res);
    const unsubscribe = options.serviceHost.onEvent((event: ApiEvent) => res.write(`data: ${JSON.stringify(event)}\n\n`));
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  }

  async function serveCall(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return refuse(res, 405);
    const body = await readBody(req, CALL_BODY_LIMIT);
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    } catch {
      return sendEnvelope(res, invalidRequest('the request body is not JSON: send {"method", "request", "callId"}', null));
    }
    if (typeof payload !== 'object' || payload === null) return sendEnvelope(res, invalidRequest('send {"method", "request", "callId"}', null));
    const { method, request, callId } = payload as Record<string, unknown>;
    if (typeof method !== 'string') return sendEnvelope(res, invalidRequest('method must be a method name', 'method'));
    sendEnvelope(res, await options.serviceHost.call(method, request, typeof callId === 'string' ? callId : randomUUID()));
  }

  async function serveUpload(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    if (req.method !== 'POST') return refuse(res, 405);
    const bytes = await readBody(req, UPLOAD_BODY_LIMIT);
    const request = { fileName: query.get('fileName') ?? '', bytes };
    sendEnvelope(res, await options.serviceHost.call('imports.upload', request, query.get('callId') ?? randomUUID()));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHost(req.headers.host)) return refuse(res, 421);
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHost(origin.replace(/^http:\/\//, ''))) return refuse(res, 403);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const queryToken = req.method === 'GET' ? url.searchParams.get('token') : null;
    const viaQuery = tokenMatches(queryToken, expected);
    const header = req.headers[TOKEN_HEADER];
    const authorised =
      viaQuery ||
      tokenMatches(Array.isArray(header) ? header[0] : header, expected) ||
      tokenMatches(cookieValue(req.headers.cookie, tokenCookieName(port)), expected);
    if (!authorised) return refuse(res, 403);

    try {
      if (url.pathname === '/api/call') return await serveCall(req, res);
      if (url.pathname === '/api/upload') return await serveUpload(req, res, url.searchParams);
      if (url.pathname === '/api/events') return serveEvents(req, res);
      if (url.pathname.startsWith('/api/')) return refuse(res, 404);
      return serveStatic(req, res, url.pathname, viaQuery);
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      if (err instanceof BodyTooLarge) {
        res.setHeader('Connection', 'close');
        return sendJson(res, 413, invalidRequest('the request body is too large', null));
      }
      process.stderr.write(`tieout browser host: ${(err as Error).stack ?? String(err)}\n`);
      sendJson(res, 500, { ok: false, error: { kind: 'internal', message: 'the browser host failed to answer', field: null } });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the browser host did not get a TCP port');
  port = address.port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
    close: async () => {
      for (const stream of streams) stream.end();
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
    },
  };
}
