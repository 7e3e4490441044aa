// One canonical event as the ledger holds it: who and what first, every canonical field, then the raw source record
// it came from (file, lines, text), folded away until asked for. A bank line's booking date is shown as the date the
// bank wrote, never as an instant moved through a time zone.
import { Fragment } from 'react';
import type { EventDetail } from '../../../shared/api/contract.ts';
import { formatDate, formatInstant } from '../format/formatters.ts';
import { BANK_LINE_KINDS } from '../../../shared/time/period.ts';
import { Amount } from './Amount.tsx';
import { useDisplayPrefs } from './useDisplayPrefs.ts';

function Text({ value }: { value: string | null }) {
  return value === null || value === '' ? <span className="muted">—</span> : <>{value}</>;
}

function AttributeValue({ value }: { value: unknown }) {
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  return <>{typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))}</>;
}

export function EventDetailView({ event }: { event: EventDetail }) {
  const prefs = useDisplayPrefs();
  const attributes = Object.entries(event.attributes);
  const lines = event.raw.lineStart === event.raw.lineEnd ? `line ${event.raw.lineStart}` : `lines ${event.raw.lineStart}–${event.raw.lineEnd}`;
  const booked = event.localDate !== null && (BANK_LINE_KINDS as readonly string[]).includes(event.kind);
  return (
    <article className="event-detail" aria-label={`Event ${event.kind} ${event.externalId}`}>
      <dl className="fields">
        <dt>Counterparty</dt>
        <dd>
          <Text value={event.counterparty} />
        </dd>
        <dt>Description</dt>
        <dd>
          <Text value={event.description} />
        </dd>
        <dt>Kind</dt>
        <dd>{event.kind}</dd>
        <dt>Source</dt>
        <dd className="mono">{event.source}</dd>
        <dt>External id</dt>
        <dd className="mono">{event.externalId}</dd>
        <dt>Amount</dt>
        <dd>
          <Amount minor={event.amountMinor} currency={event.currency} kind={event.kind} />
        </dd>
        <dt>Fee</dt>
        <dd>{event.feeMinor === null ? <span className="muted">—</span> : <Amount minor={event.feeMinor} currency={event.currency} />}</dd>
        <dt>Net</dt>
        <dd>
          {event.netMinor === null ? <span className="muted">—</span> : <Amount minor={event.netMinor} currency={event.currency} kind={event.kind} />}
        </dd>
        <dt>State</dt>
        <dd>
          <Text value={event.state} />
        </dd>
        <dt>Order ref</dt>
        <dd className="mono">
          <Text value={event.orderRef} />
        </dd>
        <dt>Customer</dt>
        <dd>
          <Text value={event.customerRef} />
        </dd>
        <dt>Payout ref</dt>
        <dd className="mono">
          <Text value={event.payoutRef} />
        </dd>
        <dt>Trace id</dt>
        <dd className="mono">
          <Text value={event.traceId} />
        </dd>
        <dt>Channel</dt>
        <dd>
          <Text value={event.channel} />
        </dd>
        {booked ? (
          <>
            <dt>Booking date</dt>
            <dd>{formatDate(event.localDate, prefs.locale)}</dd>
          </>
        ) : (
          <>
            <dt>Occurred</dt>
            <dd>{formatInstant(event.occurredAt, prefs)}</dd>
          </>
        )}
        <dt>Received</dt>
        <dd>{formatInstant(event.receivedAt, prefs)}</dd>
        <dt>Event id</dt>
        <dd className="mono">{event.eventId}</dd>
        <dt>Import batch</dt>
        <dd className="mono">{event.batchId}</dd>
        <dt>Mapping</dt>
        <dd className="mono">{event.mappingVersion}</dd>
        {attributes.map(([key, value]) => (
          <Fragment key={key}>
            <dt>{key}</dt>
            <dd>
              <AttributeValue value={value} />
            </dd>
          </Fragment>
        ))}
      </dl>
      <details className="raw-record">
        <summary>
          Raw record: <span className="mono">{event.raw.fileName}</span>, {lines}
        </summary>
        <pre className="raw" aria-label={`Raw record of ${event.externalId}`}>
          {event.raw.text}
        </pre>
        {event.raw.truncated ? <p className="muted">Shortened: the record is longer than shown here.</p> : null}
        <p className="muted">
          Artifact <span className="mono">{event.raw.artifactId}</span>
        </p>
      </details>
    </article>
  );
}
