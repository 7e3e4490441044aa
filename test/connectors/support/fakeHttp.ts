// A local HTTP server on 127.0.0.1 for connector tests: routes answer as the provider documents, and scripted faults
// (429 with Retry-After, 500, a hang past the client's timeout, a cut-off body, 401) hit the requests they name.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** A JSON value (serialized compactly) or text as it is. */
  json?: unknown;
  text?: string;
}

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; json?: unknown }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'answer'; answer: FakeAnswer };

export interface ScriptedFault {
  /** Which requests it hits (default: any). */
  when?: (r: FakeRequest) => boolean;
  /** How many matching requests it hits before it is used up (default 1). */
  times?: number;
  fault: Fault;
}

export class FakeHttpServer {
  readonly requests: FakeRequest[] = [];
  /** The server's clock minus the real one: a skewed provider clock. */
  skewMs = 0;
  private readonly faults: ScriptedFault[] = [];
  private server: Server | null = null;
  private readonly hung = new Set<ServerResponse>();
  private readonly route: (r: FakeRequest) => FakeAnswer;
  url = '';

  constructor(route: (r: FakeRequest) => FakeAnswer) {
    this.route = route;
  }

  now(): number {
    return Date.now() + this.skewMs;
  }

  inject(fault: ScriptedFault): void {
    this.faults.push({ times: 1, ...fault });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server === null ? resolve() : this.server.close(() => resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const r: FakeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.requests.push(r);
    const date = new Date(this.now()).toUTCString();
    const scripted = this.faults.find((f) => (f.times ?? 1) > 0 && (f.when?.(r) ?? true));
    if (scripted !== undefined) {
      scripted.times = (scripted.times ?? 1) - 1;
      const f = scripted.fault;
      if (f.kind === 'hang') {
        this.hung.add(res);
        return;
      }
      if (f.kind === 'status') {
        const headers: Record<string, string> = { 'content-type': 'application/json', date };
        if (f.retryAfter !== undefined) headers['retry-after'] = f.retryAfter;
        res.writeHead(f.status, headers).end(JSON.stringify(f.json ?? { error: { message: `scripted ${f.status}` } }));
        return;
      }
      if (f.kind === 'malformed') {
        const full = this.answerText(this.route(r));
        res.writeHead(200, { 'content-type': 'application/json', date }).end(full.slice(0, Math.max(1, Math.floor(full.length / 2))));
        return;
      }
      this.write(res, f.answer, date);
      return;
    }
    let answer: FakeAnswer;
    try {
      answer = this.route(r);
    } catch (err) {
      answer = { status: 500, json: { error: { message: (err as Error).message } } };
    }
    this.write(res, answer, date);
  }

  private answerText(a: FakeAnswer): string {
    return a.text ?? JSON.stringify(a.json ?? null);
  }

  private write(res: ServerResponse, a: FakeAnswer, date: string): void {
    res.writeHead(a.status ?? 200, { 'content-type': 'application/json', date, ...a.headers }).end(this.answerText(a));
  }
}
