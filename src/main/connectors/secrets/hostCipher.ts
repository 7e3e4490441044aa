// A cipher that lives in the thread hosting the service worker (the Electron shell's safeStorage, which a worker
// thread cannot call), used from the worker across the ServiceHost message channel: the worker asks, the host seals or
// opens with its own cipher and answers. Secrets cross between two threads of one process, never to the renderer.
import { SecretUnavailableError, type SecretCipher, type SecretScheme } from './secretCipher.ts';

export type CipherOp = 'weakness' | 'encrypt' | 'decrypt';

/** Worker → host: one cipher call. */
export interface CipherRequest {
  type: 'cipher';
  id: number;
  op: CipherOp;
  /** encrypt: the plain text; decrypt: the sealed bytes; weakness: null. */
  input: string | Uint8Array | null;
}

/** Host → worker: the answer to one call (a failure carries the cipher's words for the person). */
export type CipherAnswer =
  | { type: 'cipher-answer'; id: number; ok: true; value: string | Uint8Array | null }
  | { type: 'cipher-answer'; id: number; ok: false; message: string };

/** The worker's side: a SecretCipher whose every call is answered by the host's cipher. */
export class HostCipher implements SecretCipher {
  readonly scheme: SecretScheme;
  private readonly send: (request: CipherRequest) => void;
  private readonly waiting = new Map<number, { resolve: (v: string | Uint8Array | null) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(scheme: SecretScheme, send: (request: CipherRequest) => void) {
    this.scheme = scheme;
    this.send = send;
  }

  /** Settles the call the host answered. */
  answered(answer: CipherAnswer): void {
    const waiter = this.waiting.get(answer.id);
    this.waiting.delete(answer.id);
    if (waiter === undefined) return;
    if (answer.ok) waiter.resolve(answer.value);
    else waiter.reject(new SecretUnavailableError(answer.message));
  }

  async weakness(): Promise<string | null> {
    const v = await this.ask('weakness', null);
    return typeof v === 'string' ? v : null;
  }

  async encrypt(plain: string): Promise<Uint8Array> {
    return bytes(await this.ask('encrypt', plain));
  }

  async decrypt(sealed: Uint8Array): Promise<string> {
    const v = await this.ask('decrypt', sealed);
    if (typeof v !== 'string') throw new SecretUnavailableError('the app answered no secret');
    return v;
  }

  private ask(op: CipherOp, input: string | Uint8Array | null): Promise<string | Uint8Array | null> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.send({ type: 'cipher', id, op, input });
    });
  }
}

function bytes(v: string | Uint8Array | null): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new SecretUnavailableError('the app answered no ciphertext');
  return v;
}

/** The host's side: runs one call on its cipher; never throws (a failure is answered, in the cipher's words). */
export async function answerCipherRequest(cipher: SecretCipher, request: CipherRequest): Promise<CipherAnswer> {
  try {
    let value: string | Uint8Array | null;
    if (request.op === 'weakness') value = await cipher.weakness();
    else if (request.op === 'encrypt') value = await cipher.encrypt(String(request.input));
    else value = await cipher.decrypt(request.input instanceof Uint8Array ? request.input : new Uint8Array());
    return { type: 'cipher-answer', id: request.id, ok: true, value };
  } catch (err) {
    // Only the cipher's message crosses: it names why (keychain unavailable, sealed elsewhere), never the secret.
    const message = err instanceof SecretUnavailableError ? err.message : `the app could not ${request.op} the secret (${(err as Error).message})`;
    return { type: 'cipher-answer', id: request.id, ok: false, message };
  }
}
