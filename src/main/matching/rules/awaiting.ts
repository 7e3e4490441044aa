// Whether a missing counterpart is missing yet (DESIGN §5): an event waits while a source that could hold its
// counterpart has not delivered past the event's time plus the window in which the counterpart normally comes.
import type { Rule, RuleSet, RuleSide } from '../../../shared/rules/ruleSet.ts';
import type { AwaitingDecider, DesiredAwaiting, FeedState, MatchEvent, SourceFeed } from './model.ts';

export type { DesiredAwaiting, FeedState, SourceFeed };
import { sideMatches, sourceMatches } from './strategies/candidates.ts';
import { shiftBy } from './windows.ts';

/** Where a counterpart-missing check of an event looks, and until when it may still come. */
interface Counterparts {
  /** Per rule that pairs the event's kind with its counterpart: the counterpart's side and the normal window to wait. */
  waits: Array<{ window: Rule['window']; days: number; side: RuleSide }>;
}

/**
 * For an event on one side of the deciding links' rules: the other side (where its counterpart is) and how long it
 * normally takes to come (after_days for a left event, before_days for a right one: the normal window, not the
 * extended one; a counterpart that comes later still matches, and the exception then ends).
 */
function counterpartsOf(ruleSet: RuleSet, links: readonly string[], e: MatchEvent): Counterparts {
  const waits: Counterparts['waits'] = [];
  for (const r of ruleSet.rules) {
    if (!links.includes(r.link)) continue;
    if (sideMatches(r.left, e)) waits.push({ window: r.window, days: r.window.after_days, side: r.right });
    else if (sideMatches(r.right, e)) waits.push({ window: r.window, days: r.window.before_days, side: r.left });
  }
  return { waits };
}

/** Sources that could deliver an event of `side`: they delivered its kinds before and the side accepts them. */
function sourcesFor(feeds: FeedState, side: RuleSide): SourceFeed[] {
  return feeds.sources.filter((f) => side.kinds.some((k) => f.kinds.has(k)) && sourceMatches(side, f.source));
}

/**
 * Decides, per check, whether the event's counterpart may still come. The earliest window end among the rules that
 * could pair it (the counterpart normally comes by then); every source that could hold the counterpart must have
 * delivered past it. No such source yet: it waits (a feed that never comes is FEED_MISSING's business).
 */
export class AwaitingJudge implements AwaitingDecider {
  private readonly ruleSet: RuleSet;
  private readonly feeds: FeedState;
  private readonly cache = new Map<string, { waits: Counterparts['waits']; sources: SourceFeed[] }>();

  constructor(ruleSet: RuleSet, feeds: FeedState) {
    this.ruleSet = ruleSet;
    this.feeds = feeds;
  }

  /** null: the counterpart's sources are past the window, the exception opens; else what the event waits for. */
  judge(code: string, links: readonly string[], e: MatchEvent): DesiredAwaiting | null {
    const key = `${code}\u001f${links.join(',')}\u001f${e.kind}\u001f${e.source}\u001f${Math.sign(e.amount)}`;
    let c = this.cache.get(key);
    if (c === undefined) {
      const { waits } = counterpartsOf(this.ruleSet, links, e);
      const sources = new Map<string, SourceFeed>();
      for (const w of waits) for (const f of sourcesFor(this.feeds, w.side)) sources.set(f.source, f);
      c = { waits, sources: [...sources.values()].sort((a, b) => (a.source < b.source ? -1 : 1)) };
      this.cache.set(key, c);
    }
    if (c.waits.length === 0) return null;
    let until = Infinity;
    for (const w of c.waits) until = Math.min(until, shiftBy(w.window, e.t, w.days));
    if (c.sources.length > 0 && c.sources.every((f) => f.watermark >= until)) return null;
    return { event: e, code, until, waitsOn: c.sources.map((f) => f.source) };
  }
}
