// What maps an API page's bytes to events: the connectors' counterpart of a file format (parserTypes.ts FormatParser).
import type { EventKind } from '../../../shared/events/canonicalEvent.ts';
import type { RecordResult } from '../../import/parserTypes.ts';

/**
 * What the request said that the page's bytes do not (the Stripe payout a `payout=` listing belongs to, the endpoint a
 * page answered). Stored with the page (sync_pages.context), so a replay maps the same bytes the same way.
 */
export type PageContext = Record<string, string | number | boolean | null>;

/** What a mapping may ask the ledger, for records whose revision depends on an earlier delivery. */
export interface PageLookup {
  /**
   * The latest non-empty revision the ledger holds for (source, external id): the payout a balance transaction was
   * seen paid out in, so the same transaction listed again without it is the same record, not an older revision.
   */
  knownRevision(source: string, externalId: string): string | null;
}

export interface PageFormat {
  /** Stable id, stored as the batch's format; with the version, its mapping version (`stripe-api-page@1`). */
  readonly format: string;
  /** Bumped whenever the events made from the same bytes change (DESIGN §3 replay). */
  readonly version: number;
  /** The kinds pages of this format carry (the source's watermark counts for their counterparts). */
  readonly kinds: readonly EventKind[];
  /**
   * The page's records, in page order. A record the mapping cannot read is rejected (the page still lands, the
   * rejection journaled); a page that is not this format at all throws (nothing lands, the sync fails naming it).
   */
  map(text: string, context: PageContext, source: string, lookup: PageLookup): Iterable<RecordResult>;
}

export const mappingVersionOf = (f: Pick<PageFormat, 'format' | 'version'>): string => `${f.format}@${f.version}`;
