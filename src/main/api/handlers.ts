// One handler per contract method: each translates a validated request into service calls and the service
// result into the contract's response. No business logic lives here (DESIGN §1: every front door calls the
// same services); a method missing from `handlers` is a type error.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { APP_INFO, ApiError, type MethodName, type ParsedRequestOf, type ResponseOf, type WorkspaceInfo } from '../../shared/api/contract.ts';
import { createWorkspace, openWorkspace, type Workspace } from '../workspace/workspace.ts';
import { createDemoWorkspace } from '../workflows/demoMonth.ts';
import { importAndReconcile } from '../workflows/importAndReconcile.ts';
import { ImportError, UnbalancedStatementError } from '../import/importFiles.ts';
import { reconcile, type ReconcileProgress } from '../matching/engine/engine.ts';
import { resolveExceptions, commentExceptions, reopenException, assignException } from '../matching/decisions.ts';
import { matchByHand, unmatchByHand } from '../workflows/matchDecisions.ts';
import { listFormats, GENERIC_CSV_FORMAT, PRESET_PREFIX } from '../import/formatRegistry.ts';
import { listPresets } from '../import/presets/bankCsvPresets.ts';
import { dashboard } from '../review/dashboard.ts';
import { queryExceptions, exceptionFacets } from '../review/exceptionsQuery.ts';
import { exceptionDetail } from '../review/exceptionDetail.ts';
import { queryMatches, matchDetail } from '../review/matchesQuery.ts';
import { queryPayouts, payoutWaterfall } from '../review/payouts.ts';
import { importHistory } from '../review/importHistory.ts';
import { availablePeriods } from '../review/periods.ts';
import { searchEvents } from '../review/eventSearch.ts';
import { awaitingDetail, awaitingSummary, queryAwaiting } from '../review/awaitingQuery.ts';
import { exportGridView } from '../export/gridExport.ts';
import { composeResolution } from '../../shared/review/resolution.ts';
import { formatAmount } from '../../shared/money/amountText.ts';
import { ruleSetInForce } from '../matching/engine/ruleSetInForce.ts';
import { readRecentWorkspaces, rememberWorkspace } from '../workspace/recentWorkspaces.ts';
import { updateWorkspaceSettings, settingsView, toleranceRows } from '../workspace/settingsUpdate.ts';
import type { UploadStore } from '../import/uploadStore.ts';
import { previewImport } from '../import/importPreview.ts';
import { computeGrowth, GrowthError } from '../growth/growthReport.ts';
import { eventLines } from '../review/eventDetails.ts';
import { saveSourceMapping, loadSourceMapping } from '../import/sourceMappings.ts';
import type { RunReport } from '../matching/engine/engine.ts';
import { parseCanaryScope, parseVersionLabel } from '../../shared/rules/ruleVersions.ts';
import {
  comparisonView,
  definitionView,
  diffDetailView,
  diffRowsInView,
  diffsView,
  tryExampleView,
  versionsView,
} from '../ruleVersions/rulesScreenViews.ts';
import { createVersion, readDefinition } from '../ruleVersions/versionLifecycle.ts';
import { promote, PromotionRefusedError, rollback } from '../ruleVersions/promotion.ts';
import { ownershipHandlers } from './ownershipHandlers.ts';
import { resolveOwnerText } from '../owners/ownersService.ts';
import { queueContext } from '../owners/queues.ts';
import { connectorStatuses } from '../connectors/connectorStatus.ts';
import type { SyncScheduler } from '../connectors/syncScheduler.ts';
import { closeMonth, closeStatus, reopenMonth } from '../close/closeService.ts';
import { packForDownload } from '../close/packDownload.ts';

/** What the handlers work on: one per service worker, mutated when a workspace is opened or created. */
export interface ServiceContext {
  workspace: Workspace | null;
  /** Where the recent-workspaces list lives. */
  configDir: string;
  uploads: UploadStore;
  /** Who the decisions are recorded as: `user:NAME`. */
  actor: string;
  host: 'electron' | 'browser';
  /** Background sync of connected sources (the service worker's); absent where nothing syncs on a schedule. */
  syncs?: SyncScheduler;
}

/** Progress of a long call, for a person: what is happening, how far, out of how much (null: unknown). */
export type ProgressReport = (label: string, done: number, total: number | null) => void;

/** Synchronous over SQLite; a promise only where a file format's library writes asynchronously (export.grid's XLSX). */
export type Handler<M extends MethodName> = (
  ctx: ServiceContext,
  request: ParsedRequestOf<M>,
  report: ProgressReport,
) => ResponseOf<M> | Promise<ResponseOf<M>>;
export type HandlerTable = { [M in MethodName]: Handler<M> };

function requireWorkspace(ctx: ServiceContext): Workspace {
  if (ctx.workspace === null) {
    throw new ApiError({ kind: 'no_workspace', message: 'No workspace is open: create or open one first.', field: null });
  }
  return ctx.workspace;
}

export function workspaceInfo(ws: Workspace): WorkspaceInfo {
  return {
    path: ws.dir,
    ...settingsView(ws.settings),
    eventCount: ws.db.prepare('SELECT count(*) FROM events').pluck().get() as number,
  };
}

/** The new workspace replaces the open one (closed only once the new one opened) and joins the recent list. */
function adopt(ctx: ServiceContext, ws: Workspace): WorkspaceInfo {
  if (ctx.workspace !== null && ctx.workspace !== ws) ctx.workspace.close();
  ctx.workspace = ws;
  rememberWorkspace(ctx.configDir, { path: ws.dir, name: ws.settings.name });
  return workspaceInfo(ws);
}

/** A folder name from a workspace name: no path separators, no characters Windows or macOS refuse. */
function folderName(name: string): string {
  const cleaned = name
    // eslint-disable-next-line no-control-regex
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '-')
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '');
  return cleaned === '' ? 'Workspace' : cleaned;
}

/**
 * The import pipeline names files by the path it read; a staged upload's path means nothing to the person
 * who uploaded it, so messages and results name the uploaded file instead.
 */
function uploadNamer(ctx: ServiceContext, uploadIds: readonly string[]): (text: string) => string {
  const pairs = uploadIds.map((id) => [ctx.uploads.path(id), ctx.uploads.fileName(id)] as const);
  return (text) => pairs.reduce((t, [path, name]) => t.split(path).join(name), text);
}

/** The app's words for a statement that does not balance: amounts in its currency, and what "import anyway" does. */
function unbalancedMessage(err: UnbalancedStatementError, fileName: string): string {
  const s = err.statement;
  const m = (minor: number) => formatAmount(minor, s.currency, { code: 'suffix', negative: 'minus' });
  return (
    `${fileName}: statement ${s.statementId} (account ${s.account}) does not balance: opening ${m(s.openingMinor)} plus ${s.entryCount} entr${s.entryCount === 1 ? 'y' : 'ies'} ` +
    `(${m(s.entriesSumMinor)}) makes ${m(s.expectedClosingMinor)}, but the statement's closing balance is ${m(s.closingMinor)}, a difference of ` +
    `${m(s.differenceMinor)}. Nothing was imported. Import it anyway to record the statement with the difference in the journal.`
  );
}

function reconcileLabel(p: ReconcileProgress): string {
  if (p.phase === 'loading') return 'Loading events';
  if (p.phase === 'matching') return p.detail === undefined ? 'Matching' : `Matching: ${p.detail}`;
  return p.phase === 'writing matches' ? 'Writing matches' : 'Writing exceptions';
}

function runCounts(run: RunReport) {
  return {
    matchesCreated: run.matches_created,
    matchesEnded: run.matches_ended,
    exceptionsOpened: run.exceptions_opened,
    exceptionsClosed: run.exceptions_closed,
  };
}

export const handlers: HandlerTable = {
  'app.info': (ctx) => ({ name: APP_INFO.name, version: APP_INFO.version, host: ctx.host }),

  'workspace.current': (ctx) => (ctx.workspace === null ? null : workspaceInfo(ctx.workspace)),
  'workspace.create': (ctx, r) =>
    adopt(ctx, createWorkspace(r.path, { name: r.name, reportingCurrency: r.reportingCurrency, timeZone: r.timeZone, locale: r.locale })),
  'workspace.open': (ctx, r) => adopt(ctx, openWorkspace(r.path)),
  'workspace.createDemo': (ctx, r, report) => {
    const demo = createDemoWorkspace(r.path, { orders: r.orders, actor: ctx.actor, onStep: report });
    return adopt(ctx, demo.workspace);
  },
  'workspace.recent': (ctx) => ({ workspaces: readRecentWorkspaces(ctx.configDir) }),
  'workspace.suggestPath': (_ctx, r) => {
    const base = join(homedir(), 'Tieout', folderName(r.name));
    let path = base;
    for (let n = 2; existsSync(path); n++) path = `${base}-${n}`;
    return { path };
  },

  'settings.get': (ctx) => {
    const ws = requireWorkspace(ctx);
    const ruleSet = ruleSetInForce(ws.db);
    return {
      settings: settingsView(ws.settings),
      tolerances: toleranceRows(ruleSet),
      ruleSet: { id: ruleSet.rule_set_id, version: ruleSet.version },
    };
  },
  'settings.update': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    updateWorkspaceSettings(ws, r, ctx.actor);
    rememberWorkspace(ctx.configDir, { path: ws.dir, name: ws.settings.name });
    return workspaceInfo(ws);
  },

  'rules.versions': (ctx) => versionsView(requireWorkspace(ctx).db),
  'rules.definition': (ctx, r) => definitionView(requireWorkspace(ctx).db, r.version),
  'rules.compare': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    return comparisonView(ws.db, ws.settings, r.version);
  },
  'rules.diffs': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    return diffsView(ws.db, ws.settings, r);
  },
  'rules.diffDetail': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    return diffDetailView(ws.db, ws.settings, r.version, r.eventId);
  },
  'rules.tryExample': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    return tryExampleView(ws.db, ws.settings, r.ruleSet, r.id);
  },
  'rules.create': (ctx, r, report) => {
    const ws = requireWorkspace(ctx);
    const created = createVersion(ws.db, ws.settings, {
      definition: readDefinition(r.ruleSet, 'the edited rule set'),
      reason: r.reason,
      actor: ctx.actor,
      state: 'shadow',
      basedOn: r.basedOn === undefined ? undefined : parseVersionLabel(r.basedOn),
      onProgress: (p) => report(reconcileLabel(p), p.done, p.total),
    });
    return {
      version: `${created.version.ruleSetId}@${created.version.version}`,
      state: created.state,
      laneError: created.laneError,
      run: created.run === null ? null : runCounts(created.run),
    };
  },
  'rules.promote': (ctx, r, report) => {
    const ws = requireWorkspace(ctx);
    let p;
    try {
      p = promote(ws.db, ws.settings, {
        version: parseVersionLabel(r.version),
        reason: r.reason,
        actor: ctx.actor,
        overrideWindow: r.overrideWindow === true,
        canary: r.canary === undefined ? undefined : parseCanaryScope(r.canary),
        onProgress: (pr) => report(reconcileLabel(pr), pr.done, pr.total),
      });
    } catch (err) {
      // The app's words for the refusal: the override is a field of the request here, not the CLI's flag.
      if (err instanceof PromotionRefusedError) {
        throw new ApiError({
          kind: 'bad_input',
          message: `Promotion of ${r.version} refused: ${err.missing.join('; ')}. Watch it longer in shadow, or override the observation window with a reason.`,
          field: 'overrideWindow',
        });
      }
      throw err;
    }
    return {
      version: p.version,
      state: p.state,
      previous: p.previous,
      overridden: p.overridden,
      missing: p.window?.missing ?? [],
      run: runCounts(p.run),
    };
  },
  'rules.rollback': (ctx, r, report) => {
    const ws = requireWorkspace(ctx);
    const b = rollback(ws.db, ws.settings, { reason: r.reason, actor: ctx.actor, onProgress: (p) => report(reconcileLabel(p), p.done, p.total) });
    return { version: b.version, rolledBack: b.rolledBack, run: runCounts(b.run) };
  },

  'periods.available': (ctx) => {
    const ws = requireWorkspace(ctx);
    return availablePeriods(ws.db, ws.settings.time_zone);
  },

  'dashboard.get': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    return dashboard(ws.db, ws.settings, new Date(), r.period ?? null);
  },

  'exceptions.query': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    const now = new Date();
    return queryExceptions(ws.db, r, now, ws.settings.time_zone, queueContext(ws.settings, now));
  },
  'exceptions.facets': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    return exceptionFacets(ws.db, r.period, ws.settings.time_zone, queueContext(ws.settings, new Date()));
  },
  'exceptions.detail': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    return exceptionDetail(ws.db, ruleSetInForce(ws.db), r.exceptionId, new Date(), ws.settings.time_zone);
  },
  'exceptions.resolve': (ctx, r) => {
    const reason = composeResolution({ category: r.category, account: r.writeOffAccount, reason: r.reason });
    resolveExceptions(requireWorkspace(ctx).db, { exceptionIds: r.exceptionIds, actor: ctx.actor, reason });
    return { resolved: r.exceptionIds.length };
  },
  'exceptions.comment': (ctx, r) => {
    commentExceptions(requireWorkspace(ctx).db, { exceptionIds: r.exceptionIds, actor: ctx.actor, text: r.text });
    return { commented: r.exceptionIds.length };
  },
  'exceptions.reopen': (ctx, r) => {
    reopenException(requireWorkspace(ctx).db, { exceptionId: r.exceptionId, actor: ctx.actor, reason: r.reason });
    return { ok: true };
  },
  'exceptions.assign': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    assignException(ws.db, { exceptionId: r.exceptionId, actor: ctx.actor, owner: resolveOwnerText(ws.settings, r.owner) });
    return { ok: true };
  },

  'matches.query': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    return queryMatches(ws.db, r, ws.settings.time_zone);
  },
  'matches.detail': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    return matchDetail(ws.db, r.matchId, ws.settings.time_zone);
  },
  'matches.manual': (ctx, r) => {
    const { matchId } = matchByHand(requireWorkspace(ctx), {
      link: r.link,
      leftEventIds: r.leftEventIds,
      rightEventIds: r.rightEventIds,
      actor: ctx.actor,
      reason: r.reason,
    });
    return { matchId };
  },
  'matches.unmatch': (ctx, r) => {
    unmatchByHand(requireWorkspace(ctx), { matchId: r.matchId, actor: ctx.actor, reason: r.reason });
    return { ok: true };
  },

  'payouts.query': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    return queryPayouts(ws.db, r, ws.settings.time_zone);
  },
  'awaiting.summary': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    return awaitingSummary(ws.db, r.period, ws.settings.time_zone);
  },
  'awaiting.query': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    return queryAwaiting(ws.db, r, ws.settings.time_zone);
  },
  'awaiting.detail': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    return awaitingDetail(ws.db, r.eventId, ws.settings.time_zone);
  },
  'events.search': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    return searchEvents(ws.db, r, ws.settings.time_zone);
  },
  'export.grid': async (ctx, r) => {
    const ws = requireWorkspace(ctx);
    // A version's differences are read from its lane by the Rules screen's service; the other grids from the ledger.
    const differences = r.grid === 'ruleDiffs' ? diffRowsInView(ws.db, ws.settings, r) : null;
    const now = new Date();
    const file = await exportGridView(ws.db, r, now, ws.settings.time_zone, queueContext(ws.settings, now), differences);
    return { fileName: file.fileName, mediaType: file.mediaType, rows: file.rows, base64: Buffer.from(file.bytes).toString('base64') };
  },
  'payouts.waterfall': (ctx, r) => payoutWaterfall(requireWorkspace(ctx).db, r.payoutEventId),
  'growth.report': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    try {
      return computeGrowth(ws.db, ws.settings, { period: r.period, paidNotShippedDays: r.paidNotShippedDays });
    } catch (err) {
      if (err instanceof GrowthError) throw new ApiError({ kind: 'bad_input', message: err.message, field: 'period' });
      throw err;
    }
  },
  'growth.events': (ctx, r) => {
    const lines = eventLines(requireWorkspace(ctx).db, r.eventIds);
    return { events: r.eventIds.flatMap((id) => lines.get(id) ?? []) };
  },

  'imports.formats': () => ({
    formats: listFormats().map((f) => ({ format: f.format, description: f.description })),
    presets: listPresets().map((p) => p.name),
  }),
  'imports.history': (ctx, r) => ({ batches: importHistory(requireWorkspace(ctx).db, r.limit) }),
  'connectors.list': (ctx) => ({
    connectors: ctx.syncs?.statuses() ?? connectorStatuses(requireWorkspace(ctx).db, new Set()),
    background: ctx.syncs !== undefined,
  }),
  'connectors.syncNow': (ctx, r) => {
    requireWorkspace(ctx);
    if (ctx.syncs === undefined) throw new ApiError({ kind: 'bad_input', message: 'This host does not sync: run tieout sync.', field: null });
    return ctx.syncs.syncNow(r.source);
  },
  'imports.upload': (ctx, r) => ctx.uploads.put(r.fileName, r.bytes),
  'imports.preview': (ctx, r) => {
    const ws = requireWorkspace(ctx);
    return previewImport(ws.settings, ctx.uploads.path(r.uploadId), ctx.uploads.fileName(r.uploadId), {
      format: r.format,
      mapping: r.mapping,
      uploadId: r.uploadId,
      source: r.source,
      layout: r.layout,
    });
  },
  'imports.commit': (ctx, r, report) => {
    const ws = requireWorkspace(ctx);
    const files = r.uploadIds.map((id) => ctx.uploads.path(id));
    const named = uploadNamer(ctx, r.uploadIds);
    // A bank preset is generic CSV through a built-in mapping, as `tieout import --mapping preset:NAME`.
    const preset = r.format?.startsWith(PRESET_PREFIX) === true ? r.format : undefined;
    const mappingPath = preset ?? (r.mapping === undefined ? undefined : saveSourceMapping(ws.dir, r.source, r.mapping));
    let outcome;
    try {
      outcome = importAndReconcile(
        ws,
        {
          source: r.source,
          files,
          format: preset !== undefined || r.mapping !== undefined ? GENERIC_CSV_FORMAT : r.format,
          mappingPath,
          skipInvalid: r.skipInvalid,
          acceptUnbalanced: r.acceptUnbalanced,
          actor: ctx.actor,
          onProgress: (p) => report(`Reading ${named(p.file)}`, p.bytesDone, p.bytesTotal),
        },
        {
          ruleSet: ruleSetInForce(ws.db),
          onReconcileProgress: (p) => report(reconcileLabel(p), p.done, p.total),
        },
      );
    } catch (err) {
      // A statement that does not balance can be imported anyway: the field tells the app to offer that.
      if (err instanceof UnbalancedStatementError) {
        throw new ApiError({ kind: 'bad_input', message: unbalancedMessage(err, named(err.file)), field: 'acceptUnbalanced' });
      }
      if (err instanceof ImportError) throw new ApiError({ kind: 'bad_input', message: named(err.message), field: null });
      throw err;
    }
    for (const id of r.uploadIds) ctx.uploads.discard(id);
    const result = outcome.import;
    return {
      files: result.files.map((f) => ({
        fileName: named(f.file),
        batchId: f.batchId,
        format: f.format,
        rowsRead: f.rowsRead,
        eventsCreated: f.eventsCreated,
        duplicatesSkipped: f.duplicatesSkipped,
        rowsRejected: f.rowsRejected,
        rejected: f.rejected.map((x) => ({ line: x.line, column: x.column, message: named(x.message) })),
      })),
      eventsCreated: result.eventsCreated,
      duplicatesSkipped: result.duplicatesSkipped,
      rowsRejected: result.rowsRejected,
      reconcile:
        outcome.reconcile === null
          ? null
          : {
              matchesCreated: outcome.reconcile.matches_created,
              exceptionsOpened: outcome.reconcile.exceptions_opened,
              exceptionsClosed: outcome.reconcile.exceptions_closed,
            },
    };
  },
  'mappings.get': (ctx, r) => ({ mapping: loadSourceMapping(requireWorkspace(ctx).dir, r.source) }),

  'close.status': (ctx, r) => closeStatus(requireWorkspace(ctx), r.month),
  'close.close': (ctx, r, report) => {
    const c = closeMonth(requireWorkspace(ctx), { ...r, onProgress: (p) => report(p.label, p.done, p.total) });
    return { month: c.month, journalSeq: c.journalSeq, acceptedOpen: c.acceptedOpen, pack: c.pack };
  },
  'close.reopen': (ctx, r) => {
    const o = reopenMonth(requireWorkspace(ctx), r);
    return { month: o.month, journalSeq: o.journalSeq };
  },
  'close.pack': (ctx, r, report) => packForDownload(requireWorkspace(ctx), r.month, r.withSources, (p) => report(p.label, p.done, p.total)),
  'reconcile.run': (ctx, _r, report) => {
    const ws = requireWorkspace(ctx);
    const run = reconcile(ws.db, ws.settings, {
      mode: 'full',
      ruleSet: ruleSetInForce(ws.db),
      actor: 'system:engine',
      onProgress: (p) => report(reconcileLabel(p), p.done, p.total),
    });
    return {
      matchesCreated: run.matches_created,
      matchesEnded: run.matches_ended,
      exceptionsOpened: run.exceptions_opened,
      exceptionsClosed: run.exceptions_closed,
    };
  },

  ...ownershipHandlers,
};
