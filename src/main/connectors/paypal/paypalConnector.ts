// The PayPal connector's sync: Transaction Search (GET /v1/reporting/transactions, fields=all, 500 a page) over windows
// of at most 31 days (PayPal's limit), from the backfill start, or from where the last window's data was complete
// minus the overlap, up to the server's now. PayPal lists a transaction up to three hours after it happens: a window's
// data counts as complete only up to the answer's last_refreshed_datetime, and the next window starts the overlap
// (3 h 30 min by default) before that, so a late transaction is read by the next sync. A window whose result set is too
// large for PayPal (RESULTSET_TOO_LARGE) is halved and read from its first page again. The cursor after each page is
// {start, end, page, sync}; a killed sync resumes at the next page of the same window.
import { ConnectorError, type StepContext, type StepPage, type SyncStep } from '../connectorTypes.ts';
import { paypalErrorText, paypalGet } from './paypalApi.ts';
import { paypalReportingPageFormat } from './paypalPages.ts';

const PAGE_SIZE = 500;
const MAX_WINDOW_MS = 31 * 86_400_000;
/** Below this, a window that is still too large is not halved again: the sync fails saying so. */
const MIN_WINDOW_MS = 60_000;
const PATH = '/v1/reporting/transactions';

interface WindowCursor {
  start: string;
  end: string;
  page: number;
  done: boolean;
  /** Where the window's data was complete (its end, or PayPal's last refresh when earlier). */
  completeTo: string | null;
  sync: string;
}

const isoSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

function nextWindow(previous: WindowCursor | null, ctx: StepContext): WindowCursor {
  const now = ctx.now();
  const start =
    previous === null
      ? now - ctx.config.backfillDays * 86_400_000
      : Date.parse(previous.completeTo ?? previous.end) - ctx.config.overlapMinutes * 60_000;
  const from = Math.min(start, now - 1000);
  return { start: isoSeconds(from), end: isoSeconds(Math.min(from + MAX_WINDOW_MS, now)), page: 1, done: false, completeTo: null, sync: ctx.syncId };
}

async function readPage(win: WindowCursor, ctx: StepContext): Promise<StepPage> {
  const query = { start_date: win.start, end_date: win.end, fields: 'all', page_size: PAGE_SIZE, page: win.page };
  const answer = await paypalGet(ctx, PATH, query);
  if (answer.response.status === 400 && answer.json?.name === 'RESULTSET_TOO_LARGE') {
    const span = Date.parse(win.end) - Date.parse(win.start);
    if (span / 2 < MIN_WINDOW_MS)
      throw new ConnectorError(`${answer.label}: ${paypalErrorText(answer)}, even for a window of ${Math.round(span / 1000)} s`);
    return readPage({ ...win, end: isoSeconds(Date.parse(win.start) + span / 2), page: 1 }, ctx);
  }
  if (answer.response.status !== 200 || answer.json === null) {
    throw new ConnectorError(
      ctx.http.redact(`${answer.label}: PayPal answered ${paypalErrorText(answer)}`),
      answer.response.status,
      answer.response.status < 500,
    );
  }
  const totalPages = typeof answer.json.total_pages === 'number' ? answer.json.total_pages : 1;
  const more = win.page < totalPages;
  const refreshed =
    typeof answer.json.last_refreshed_datetime === 'string'
      ? Date.parse(answer.json.last_refreshed_datetime.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
      : Number.NaN;
  const completeTo = isoSeconds(Number.isNaN(refreshed) ? Date.parse(win.end) : Math.min(Date.parse(win.end), refreshed));
  const cursor: WindowCursor = more ? { ...win, page: win.page + 1 } : { ...win, done: true, completeTo };
  // Caught up: this window reached the server's now (a backfill goes on with the next window in the same sync).
  const caughtUp = !more && Date.parse(win.end) >= ctx.now() - 60_000 && win.sync === ctx.syncId;
  return {
    page: {
      eventSource: ctx.source,
      format: paypalReportingPageFormat,
      bytes: answer.response.bytes,
      fileName: answer.label,
      request: { method: 'GET', path: PATH, query },
      context: {},
      cursor,
      passComplete: !more,
      coversTo: more ? null : completeTo,
    },
    last: caughtUp,
  };
}

const transactionsStep: SyncStep = {
  name: 'transactions',
  next(cursor: unknown, ctx: StepContext): Promise<StepPage> {
    const prior = cursor as WindowCursor | null;
    return readPage(prior === null || prior.done ? nextWindow(prior, ctx) : prior, ctx);
  },
};

export function paypalSteps(): SyncStep[] {
  return [transactionsStep];
}
