// Connecting a source: the request checked, the connector's configuration stored in the ledger (journaled), its
// secrets stored sealed in the workspace (never in clear), and its cadence declared as the source's heartbeat.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Workspace } from '../workspace/workspace.ts';
import { SETTINGS_FILE, validateSettings } from '../workspace/workspace.ts';
import { writeFileAtomic } from '../workspace/atomicFile.ts';
import { SourceIdSchema } from '../../shared/events/canonicalEvent.ts';
import { CREDENTIAL_NAMES, DEFAULT_BASE_URL, type ConnectorConfig, type Credentials, type Provider } from './connectorTypes.ts';
import { ConnectorSetupError, providerOf, saveConnector } from './connectorStore.ts';
import { saveSealed } from './secrets/secretStore.ts';
import type { SealedCredentials } from './secrets/secretCipher.ts';

export interface ConnectRequest {
  source: string;
  /** Another API location (a sandbox, a test server). */
  baseUrl?: string;
  /** Shopify: `shop.myshopify.com`. */
  shop?: string;
  cadenceHours?: number;
  backfillDays?: number;
  overlapMinutes?: number;
}

export const DEFAULT_CADENCE_HOURS = 1;
export const DEFAULT_BACKFILL_DAYS = 90;
/** Stripe and Shopify make records visible within seconds; PayPal's reporting lags up to three hours (connectors' docs). */
const DEFAULT_OVERLAP_MINUTES: Record<Provider, number> = { stripe: 60, shopify: 60, paypal: 3 * 60 + 30 };

/** Checks a request and returns the connector's configuration (no secret in it). */
export function connectorConfig(request: ConnectRequest): ConnectorConfig {
  const id = SourceIdSchema.safeParse(request.source);
  if (!id.success || !request.source.includes(':')) throw new ConnectorSetupError(`--source "${request.source}": give KIND:NAME, e.g. stripe:main`);
  const provider = providerOf(request.source);
  const shop = request.shop?.trim().toLowerCase();
  if (provider === 'shopify' && (shop === undefined || !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop))) {
    throw new ConnectorSetupError("--shop: give the shop's myshopify domain, e.g. ridge-outfitters.myshopify.com");
  }
  const baseUrl = request.baseUrl ?? (provider === 'shopify' ? `https://${shop}` : DEFAULT_BASE_URL[provider]);
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConnectorSetupError(`--base-url "${baseUrl}" is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))) {
    throw new ConnectorSetupError(`--base-url ${baseUrl}: secrets are sent only over https (plain http only to this machine, for tests)`);
  }
  const positive = (value: number | undefined, fallback: number, what: string): number => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value <= 0) throw new ConnectorSetupError(`${what} must be a whole number above 0`);
    return value;
  };
  return {
    provider,
    baseUrl: url.href.replace(/\/$/, ''),
    ...(provider === 'shopify' ? { shop } : {}),
    cadenceHours: positive(request.cadenceHours, DEFAULT_CADENCE_HOURS, 'cadence hours'),
    backfillDays: positive(request.backfillDays, DEFAULT_BACKFILL_DAYS, 'backfill days'),
    overlapMinutes: positive(request.overlapMinutes, DEFAULT_OVERLAP_MINUTES[provider], 'overlap minutes'),
  };
}

/** The provider's secrets must all be there, none empty. */
export function checkCredentials(provider: Provider, credentials: Credentials): void {
  for (const name of CREDENTIAL_NAMES[provider]) {
    if ((credentials[name] ?? '').trim() === '') throw new ConnectorSetupError(`the ${provider} connector needs its ${name.replace('_', ' ')}`);
  }
}

/**
 * Stores a connection whose secrets were sealed already (by the CLI's file key, or the app's keychain in the main
 * process): the configuration in the ledger, the ciphertext in the workspace, the cadence in workspace.json `feeds`
 * unless one is declared there already (a person's own choice stands).
 */
export function storeConnection(ws: Workspace, source: string, config: ConnectorConfig, sealed: SealedCredentials, actor: string): void {
  const at = new Date().toISOString();
  const names = Object.keys(sealed.values).sort();
  const missing = CREDENTIAL_NAMES[config.provider].filter((n) => !names.includes(n));
  if (missing.length > 0) throw new ConnectorSetupError(`the ${config.provider} connector needs its ${missing.join(', ')}`);
  saveSealed(ws.dir, source, sealed, at);
  saveConnector(ws.db, source, config, actor, at);
  declareCadence(ws, source, config.cadenceHours);
}

/** Adds feeds[source] = { expected_every_hours: cadence, grace_hours: cadence } to workspace.json when it has none. */
function declareCadence(ws: Workspace, source: string, cadenceHours: number): void {
  if (ws.settings.feeds?.[source] !== undefined) return;
  const path = join(ws.dir, SETTINGS_FILE);
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const feeds = {
    ...((raw['feeds'] as Record<string, unknown> | undefined) ?? {}),
    [source]: { expected_every_hours: cadenceHours, grace_hours: cadenceHours },
  };
  const next = { ...raw, feeds };
  const settings = validateSettings(next, path);
  writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`);
  ws.settings.feeds = settings.feeds;
}
