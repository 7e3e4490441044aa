// Manual match from an exception: choose the link, tick which of the exception's events take part (none is ticked
// for the person, unless it has only one), pick counterparts from the engine's suggestions or from a search of the
// whole ledger (an unknown bank line's payout, a payout's bank line), watch the running balance of both sides, give
// the reason.
import { useEffect, useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { EventLine, ExceptionDetail, ResponseOf } from '../../../../shared/api/contract.ts';
import { businessDate } from '../../../../shared/time/period.ts';
import { numberStyleForLocale, parseAmount } from '../../../../shared/money/amountText.ts';
import { useApi, useApp, useAppStore } from '../../store/storeContext.tsx';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatCount, formatDate, formatScore, linkLabel } from '../../format/formatters.ts';
import { errorMessage } from '../../store/sliceTypes.ts';
import { balance, counterpartKinds, counterpartSources, planManualMatch, sideOf, type ChosenEvent, type MatchLink } from './manualMatchPlan.ts';

type Found = ResponseOf<'events.search'>['rows'][number];
const SEARCH_PAGE = 25;

function EventText({ event }: { event: EventLine }) {
  const { locale, timeZone } = useDisplayPrefs();
  const who = event.counterparty ?? event.description ?? event.externalId;
  const what = event.counterparty !== null ? event.description : null;
  return (
    <>
      <div>
        <span className="muted">{formatDate(businessDate(event, timeZone), locale)}</span> {event.kind.replace('_', ' ')} · <strong>{who}</strong>
      </div>
      <div className="muted mm-sub">
        {what !== null ? `${what} · ` : ''}
        {event.orderRef !== null ? `order #${event.orderRef} · ` : ''}
        <span className="mono">{event.externalId}</span>
      </div>
    </>
  );
}

function Choice({
  event,
  checked,
  onToggle,
  label,
  extra,
}: {
  event: EventLine;
  checked: boolean;
  onToggle(): void;
  label: string;
  extra?: ReactNode;
}) {
  return (
    <tr className={checked ? 'selected' : undefined}>
      <td>
        <input type="checkbox" aria-label={label} checked={checked} onChange={onToggle} />
      </td>
      <td>
        <EventText event={event} />
        {extra}
      </td>
      <td className="num">
        <Amount minor={event.amountMinor} currency={event.currency} kind={event.kind} />
      </td>
    </tr>
  );
}

interface SearchForm {
  text: string;
  amountMin: string;
  amountMax: string;
  from: string;
  to: string;
  freeOnly: boolean;
}

/** The person's own search of the ledger for counterparts of the link's other side. */
function CounterpartSearch({
  link,
  own,
  currency,
  picked,
  toggle,
}: {
  link: MatchLink;
  own: readonly EventLine[];
  currency: string;
  picked: ReadonlyMap<string, ChosenEvent>;
  toggle(event: EventLine): void;
}) {
  const api = useApi();
  const { locale } = useDisplayPrefs();
  const period = useApp((s) => s.period);
  const [form, setForm] = useState<SearchForm>({
    text: '',
    amountMin: '',
    amountMax: '',
    from: period?.from ?? '',
    to: period?.to ?? '',
    freeOnly: true,
  });
  const [found, setFound] = useState<{ rows: Found[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const kinds = counterpartKinds(link, own);
  const sources = counterpartSources(link, own);

  function minor(text: string): number | undefined | null {
    if (text.trim() === '') return undefined;
    const parsed = parseAmount(text, currency, numberStyleForLocale(locale));
    return parsed.ok ? Math.abs(parsed.minor) : null;
  }

  async function run(startRow: number) {
    const min = minor(form.amountMin);
    const max = minor(form.amountMax);
    if (min === null || max === null) return setError(`Amounts are in ${currency}, e.g. 1,250.00`);
    setError(null);
    setBusy(true);
    try {
      const page = await api.call('events.search', {
        startRow,
        endRow: startRow + SEARCH_PAGE,
        kinds,
        ...(sources.length > 0 ? { sources } : {}),
        currency,
        ...(min !== undefined ? { amountMinMinor: min } : {}),
        ...(max !== undefined ? { amountMaxMinor: max } : {}),
        ...(form.text.trim() !== '' ? { text: form.text.trim() } : {}),
        ...(form.from !== '' && form.to !== '' && form.from <= form.to ? { period: { from: form.from, to: form.to } } : {}),
        link: link.link,
        freeOnly: form.freeOnly,
      });
      setFound((prev) => ({ rows: startRow === 0 || prev === null ? page.rows : [...prev.rows, ...page.rows], total: page.totalRows }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const field = (key: keyof SearchForm, label: string, props: Record<string, unknown> = {}) => (
    <label>
      {label}
      <input
        {...props}
        value={form[key] as string}
        onChange={(e) => {
          const value = e.currentTarget.value;
          setForm((f) => ({ ...f, [key]: value }));
        }}
      />
    </label>
  );

  return (
    <section className="mm-search" aria-label="Search the ledger">
      <h4>
        Search the ledger for {kinds.map((k) => k.replace('_', ' ')).join(' or ')} in {currency}
      </h4>
      <div
        className="field-row mm-search-fields"
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void run(0);
          }
        }}
      >
        {field('text', 'Text or id', { type: 'search', placeholder: 'payout id, name, remittance…', size: 22 })}
        {field('amountMin', 'Amount from', { inputMode: 'decimal', size: 9 })}
        {field('amountMax', 'to', { inputMode: 'decimal', size: 9 })}
        {field('from', 'Date from', { type: 'date' })}
        {field('to', 'to', { type: 'date' })}
        <label className="checkbox">
          <input type="checkbox" checked={form.freeOnly} onChange={(e) => setForm((f) => ({ ...f, freeOnly: e.currentTarget.checked }))} />
          Not matched yet
        </label>
        <button type="button" disabled={busy} onClick={() => void run(0)}>
          {busy ? 'Searching…' : 'Search'}
        </button>
      </div>
      {error !== null ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : null}
      {found !== null ? (
        <>
          <p className="muted" role="status">
            {found.total === 0
              ? 'Nothing found: widen the dates or the amounts.'
              : `${formatCount(found.total, locale)}${found.total > 5000 ? '+' : ''} found`}
          </p>
          {found.rows.length > 0 ? (
            <table className="simple mm-table" aria-label="Search results">
              <tbody>
                {found.rows.map((e) => (
                  <Choice
                    key={e.eventId}
                    event={e}
                    checked={picked.has(e.eventId)}
                    onToggle={() => toggle(e)}
                    label={`Pick ${e.kind} ${e.externalId}`}
                    extra={e.matchedIn !== null ? <div className="muted">in match {e.matchedIn}; matching it here ends that match</div> : null}
                  />
                ))}
              </tbody>
            </table>
          ) : null}
          {found.rows.length < Math.min(found.total, 5000) ? (
            <button type="button" className="ghost" disabled={busy} onClick={() => void run(found.rows.length)}>
              Show more
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function BalanceLine({ link, chosen }: { link: MatchLink; chosen: readonly ChosenEvent[] }) {
  const b = balance(link, chosen);
  const amounts = (totals: { currency: string; amountMinor: number }[]) =>
    totals.length === 0
      ? '—'
      : totals.map((t, i) => (
          <span key={t.currency}>
            {i > 0 ? ' + ' : ''}
            <Amount minor={t.amountMinor} currency={t.currency} />
          </span>
        ));
  const agree = b.difference.every((d) => d.amountMinor === 0);
  return (
    <div className="mm-balance" role="status" aria-label="Running balance">
      <div>
        <span className="muted">
          {link.left.kinds.join(' / ').replace(/_/g, ' ')} ({b.left.count})
        </span>{' '}
        {amounts(b.left.totals)}
      </div>
      <div>
        <span className="muted">
          {link.right.kinds.join(' / ').replace(/_/g, ' ')} ({b.right.count})
        </span>{' '}
        {amounts(b.right.totals)}
      </div>
      <div>
        <span className="muted">Difference</span>{' '}
        {b.difference.length === 0
          ? '—'
          : b.difference.map((d, i) => (
              <span key={d.currency}>
                {i > 0 ? ' · ' : ''}
                <Amount minor={d.amountMinor} currency={d.currency} attention={d.amountMinor !== 0} />
              </span>
            ))}
        {b.difference.length > 0 && agree ? <span className="muted"> — the sides agree</span> : null}
      </div>
    </div>
  );
}

export function ManualMatchForm({ detail, onDone }: { detail: ExceptionDetail; onDone(): void }) {
  const store = useAppStore();
  const busy = useApp((s) => s.exceptionsBusy);
  const links = detail.matchLinks;
  const [linkName, setLinkName] = useState(detail.candidates[0]?.link ?? links[0]?.link ?? '');
  const link = links.find((l) => l.link === linkName) ?? links[0];
  const single = detail.events.length === 1;
  // An exception with several events: none is ticked for the person (an AMBIGUOUS_MATCH names every tied event).
  const [ownPicked, setOwnPicked] = useState<ReadonlySet<string>>(() => new Set(single ? detail.events.map((e) => e.eventId) : []));
  const [picked, setPicked] = useState<ReadonlyMap<string, ChosenEvent>>(() => new Map());
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const reasonId = useId();

  useEffect(() => setPicked(new Map()), [linkName]);

  const chosen = useMemo(() => [...detail.events.filter((e) => ownPicked.has(e.eventId)), ...picked.values()], [detail.events, ownPicked, picked]);
  if (link === undefined) return <p className="muted">No link of the rule set in force takes this exception’s events.</p>;

  const toggle = (e: EventLine) => {
    const next = new Map(picked);
    if (next.has(e.eventId)) next.delete(e.eventId);
    else next.set(e.eventId, e);
    setPicked(next);
    setError(null);
  };
  const suggestions = detail.candidates.filter((c) => c.link === link.link);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || link === undefined) return;
    const planned = planManualMatch(link, chosen);
    if (!planned.ok) return setError(planned.error);
    if (reason.trim() === '') return setError('Reason is required.');
    setError(null);
    if (await store.getState().manualMatchException({ ...planned.plan, reason: reason.trim() })) onDone();
  }

  return (
    <form
      className="exceptions-action-form panel mm-form"
      aria-label="Manual match"
      noValidate
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onDone();
        }
      }}
    >
      <div className="exceptions-action-title">Manual match</div>
      {links.length > 1 ? (
        <label>
          Match in
          <select value={link.link} onChange={(e) => setLinkName(e.currentTarget.value)}>
            {links.map((l) => (
              <option key={l.link} value={l.link}>
                {linkLabel(l.link)}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <p className="muted">Match in: {linkLabel(link.link)}</p>
      )}

      <h4>{single ? 'This exception’s event' : 'Which of this exception’s events take part'}</h4>
      <table className="simple mm-table" aria-label="Events of this exception">
        <tbody>
          {detail.events.map((ev) =>
            single ? (
              <tr key={ev.eventId} className="selected">
                <td />
                <td>
                  <EventText event={ev} />
                </td>
                <td className="num">
                  <Amount minor={ev.amountMinor} currency={ev.currency} kind={ev.kind} />
                </td>
              </tr>
            ) : (
              <Choice
                key={ev.eventId}
                event={ev}
                checked={ownPicked.has(ev.eventId)}
                label={`Include ${ev.kind} ${ev.externalId}`}
                onToggle={() => {
                  const next = new Set(ownPicked);
                  if (!next.delete(ev.eventId)) next.add(ev.eventId);
                  setOwnPicked(next);
                  setError(null);
                }}
                extra={sideOf(link, ev.kind) === null ? <div className="muted">no side in this link</div> : null}
              />
            ),
          )}
        </tbody>
      </table>

      {suggestions.length > 0 ? (
        <>
          <h4>Suggested by the engine</h4>
          <table className="simple mm-table" aria-label="Candidates">
            <tbody>
              {suggestions.map((c) => (
                <Choice
                  key={c.event.eventId}
                  event={c.event}
                  checked={picked.has(c.event.eventId)}
                  onToggle={() => toggle(c.event)}
                  label={`Pick ${c.event.kind} ${c.event.externalId}`}
                  extra={<div className="muted">{`${formatScore(c.score)} fit: ${c.reasons.join('; ')}`}</div>}
                />
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p className="muted">The engine has nothing to suggest in this link: search the ledger below.</p>
      )}

      <CounterpartSearch link={link} own={detail.events} currency={detail.exception.currency} picked={picked} toggle={toggle} />

      <BalanceLine link={link} chosen={chosen} />

      <label htmlFor={reasonId} className="exceptions-action-field">
        Reason
        <textarea
          id={reasonId}
          rows={2}
          value={reason}
          placeholder="Why these events belong together"
          onChange={(e) => {
            setReason(e.currentTarget.value);
            setError(null);
          }}
        />
      </label>
      {error !== null ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : null}
      <div className="field-row">
        <button type="submit" className="primary" disabled={busy || chosen.length < 2}>
          {busy ? 'Working…' : `Match ${chosen.length} events`}
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
