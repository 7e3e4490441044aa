import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWorkspace, openWorkspace, SETTINGS_FILE, type Workspace } from '../../src/main/workspace/workspace.ts';
import { settingsView, toleranceRows, updateWorkspaceSettings } from '../../src/main/workspace/settingsUpdate.ts';
import { DEFAULT_RULE_SET } from '../../src/shared/rules/defaultRuleSet.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { ApiError, SettingsSchema, ToleranceRowSchema, type Settings } from '../../src/shared/api/contract.ts';
import { makeTempDir } from '../support/tempDir.ts';

const root = makeTempDir();
let n = 0;
let ws: Workspace;

beforeEach(() => {
  ws = createWorkspace(join(root, `ws${n++}`), { name: 'Ridge', reportingCurrency: 'USD', timeZone: 'UTC', locale: 'en-US' });
});
afterEach(() => ws.close());

const fileJson = (): Record<string, unknown> => JSON.parse(readFileSync(join(ws.dir, SETTINGS_FILE), 'utf8')) as Record<string, unknown>;
const entries = () =>
  ws.db.prepare("SELECT actor, payload FROM journal WHERE entry_type = 'workspace.settings_changed' ORDER BY seq").all() as Array<{
    actor: string;
    payload: string;
  }>;

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('settings view', () => {
  it('shows the stored settings, with the default policy gate of 1,000 in the workspace currency when none is set', () => {
    const view = settingsView(ws.settings);
    expect(view).toEqual({ name: 'Ridge', reportingCurrency: 'USD', timeZone: 'UTC', locale: 'en-US', policyGateMinor: 100_000 });
    expect(SettingsSchema.parse(view)).toEqual(view);
    // DESIGN §6: 1,000 major units, so the minor-unit figure follows the currency's exponent.
    expect(settingsView({ ...ws.settings, reporting_currency: 'JPY' }).policyGateMinor).toBe(1_000);
    expect(settingsView({ ...ws.settings, reporting_currency: 'KWD' }).policyGateMinor).toBe(1_000_000);
    expect(settingsView({ ...ws.settings, policy_gate_minor: 0 }).policyGateMinor).toBe(0);
  });

  it('lists every rule’s tolerances and window from the rule set', () => {
    const rows = toleranceRows(DEFAULT_RULE_SET);
    expect(rows).toHaveLength(DEFAULT_RULE_SET.rules.length);
    for (const row of rows) expect(ToleranceRowSchema.parse(row)).toEqual(row);
    expect(rows.find((r) => r.ruleId === 'order-payment.exact-key')).toMatchObject({ toleranceMinor: 0, roundingMinor: 2, toleranceBps: 0 });
    const exact = DEFAULT_RULE_SET.rules.find((r) => r.id === 'order-payment.exact-key');
    expect(rows.find((r) => r.ruleId === 'order-payment.exact-key')).toMatchObject({
      windowBeforeDays: exact?.window.before_days,
      windowAfterDays: exact?.window.after_days,
    });
  });
});

describe('updating settings', () => {
  it('persists the change, keeps the fields the API does not edit, updates ws.settings and journals before/after', () => {
    const feeds = { 'stripe:main': { expected_every_hours: 24, grace_hours: 6 } };
    writeFileSync(join(ws.dir, SETTINGS_FILE), JSON.stringify({ ...fileJson(), feeds, note: 'kept by hand' }));
    const settingsObject = ws.settings;
    const next: Settings = { ...settingsView(ws.settings), name: 'Ridge Outfitters', timeZone: 'Europe/Berlin', policyGateMinor: 50_000 };
    expect(updateWorkspaceSettings(ws, next, 'user:ana')).toEqual({ changed: ['name', 'timeZone', 'policyGateMinor'] });

    expect(fileJson()).toEqual({
      format: 'tieout-workspace',
      version: 1,
      name: 'Ridge Outfitters',
      reporting_currency: 'USD',
      time_zone: 'Europe/Berlin',
      locale: 'en-US',
      policy_gate_minor: 50_000,
      feeds,
      note: 'kept by hand',
    });
    expect(ws.settings).toBe(settingsObject);
    expect(settingsView(ws.settings)).toEqual(next);
    expect(ws.settings.feeds).toEqual(feeds);
    expect(readdirSync(ws.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const [entry, ...more] = entries();
    expect(more).toEqual([]);
    expect(entry?.actor).toBe('user:ana');
    expect(JSON.parse(entry?.payload ?? '{}')).toEqual({
      before: { name: 'Ridge', time_zone: 'UTC', policy_gate_minor: 100_000 },
      after: { name: 'Ridge Outfitters', time_zone: 'Europe/Berlin', policy_gate_minor: 50_000 },
    });
    expect(verifyLedger(ws.db).ok).toBe(true);

    ws.close();
    ws = openWorkspace(ws.dir);
    expect(settingsView(ws.settings)).toEqual(next);
  });

  it('writes and journals nothing when nothing changed, and leaves an unset policy gate unset', () => {
    const before = readFileSync(join(ws.dir, SETTINGS_FILE), 'utf8');
    expect(updateWorkspaceSettings(ws, settingsView(ws.settings), 'user:ana')).toEqual({ changed: [] });
    expect(entries()).toEqual([]);
    expect(readFileSync(join(ws.dir, SETTINGS_FILE), 'utf8')).toBe(before);

    updateWorkspaceSettings(ws, { ...settingsView(ws.settings), locale: 'de-DE' }, 'user:ana');
    expect(fileJson()).not.toHaveProperty('policy_gate_minor');
    expect(entries()).toHaveLength(1);
  });

  it.each([
    ['timeZone', { timeZone: 'Mars/Olympus_Mons' }, '"Mars/Olympus_Mons" is not an IANA time zone'],
    ['locale', { locale: 'xx-YY' }, '"xx-YY" is not a supported locale'],
    ['reportingCurrency', { reportingCurrency: 'ABC' }, 'ISO 4217'],
    ['policyGateMinor', { policyGateMinor: -1 }, ''],
  ])('refuses an invalid %s naming the field, changing nothing', (field, change, message) => {
    const before = readFileSync(join(ws.dir, SETTINGS_FILE), 'utf8');
    const err = refusal(() => updateWorkspaceSettings(ws, { ...settingsView(ws.settings), name: 'Renamed', ...change }, 'user:ana'));
    expect(err).toMatchObject({ kind: 'bad_input', field });
    expect(err.message.startsWith(`${field}: `)).toBe(true);
    expect(err.message).toContain(message);
    expect(readFileSync(join(ws.dir, SETTINGS_FILE), 'utf8')).toBe(before);
    expect(ws.settings.name).toBe('Ridge');
    expect(entries()).toEqual([]);
  });

  it('refuses to overwrite a workspace.json that was broken by hand', () => {
    writeFileSync(join(ws.dir, SETTINGS_FILE), '{"format": "tieout-workspace",');
    const err = refusal(() => updateWorkspaceSettings(ws, { ...settingsView(ws.settings), name: 'New' }, 'user:ana'));
    expect(err).toMatchObject({ kind: 'bad_input', field: null });
    expect(err.message).toContain(SETTINGS_FILE);
    expect(readFileSync(join(ws.dir, SETTINGS_FILE), 'utf8')).toBe('{"format": "tieout-workspace",');
    expect(entries()).toEqual([]);
  });
});
