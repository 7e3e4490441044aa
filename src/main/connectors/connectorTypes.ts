// What every connector is made of: its configuration, its credentials, and the steps a sync runs in order, each a
// sequence of pages resumable from the cursor the ledger keeps.
import type { LedgerDb } from '../ledger/database.ts';
import type { ApiHttp } from './http/apiHttp.ts';
import type { PageToLand } from './pageLanding.ts';

export const PROVIDERS = ['stripe', 'shopify', 'paypal'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** A connector's settings as stored (connectors.config). No secret is ever part of it. */
export interface ConnectorConfig {
  provider: Provider;
  /** Where the API is: the provider's own, or a sandbox or test server (`--base-url`). */
  baseUrl: string;
  /** Shopify: the shop's myshopify domain. */
  shop?: string;
  /** How often the background loop syncs, and the heartbeat the source is held to (workspace.json `feeds`). */
  cadenceHours: number;
  /** How far back the first sync reads. */
  backfillDays: number;
  /** How far back each later sync reads again (records that appear late, the provider's own lag). */
  overlapMinutes: number;
}

/** The secrets a provider needs, by name: stripe api_key; shopify access_token; paypal client_id and client_secret. */
export type Credentials = Record<string, string>;

export const CREDENTIAL_NAMES: Record<Provider, readonly string[]> = {
  stripe: ['api_key'],
  shopify: ['access_token'],
  paypal: ['client_id', 'client_secret'],
};

export const DEFAULT_BASE_URL: Record<Provider, string> = {
  stripe: 'https://api.stripe.com',
  shopify: '', // https://{shop}
  paypal: 'https://api-m.paypal.com',
};

/** A step's next page, ready to land, and whether the step has more to read in this sync. */
export interface StepPage {
  page: Omit<PageToLand, 'connectorSource' | 'step' | 'actor' | 'fetchedAt'>;
  /** True when, after this page, the step has nothing more to read in this sync. */
  last: boolean;
}

/** What a step is given: the HTTP module, the connector's settings and secrets, the ledger to read, the time. */
export interface StepContext {
  http: ApiHttp;
  config: ConnectorConfig;
  credentials: Credentials;
  /** The connector's source id (`stripe:main`). */
  source: string;
  /** Read-only use: what the ledger holds (pending payouts to itemize). */
  db: LedgerDb;
  /** The server's clock (ms), corrected by what its Date headers said. */
  now(): number;
  /** This sync's id: a pass a step began in an earlier sync (resumed after a kill) is followed by one of this sync. */
  syncId: string;
}

export interface SyncStep {
  readonly name: string;
  /**
   * The page after `cursor` (null: the step never ran, or its last pass ended: a new pass starts). Returns null when
   * there is nothing to read now. Only reads: the runner lands the page, cursor included, in one transaction.
   */
  next(cursor: unknown, ctx: StepContext): Promise<StepPage | null>;
}

/** A provider's error answer, phrased for a person (`the API key was refused (HTTP 401): …`). */
export class ConnectorError extends Error {
  readonly status: number | null;
  /** True for a problem only a person can fix (refused credentials, missing permission): retrying will not help. */
  readonly needsPerson: boolean;
  constructor(message: string, status: number | null = null, needsPerson = false) {
    super(message);
    this.name = 'ConnectorError';
    this.status = status;
    this.needsPerson = needsPerson;
  }
}
