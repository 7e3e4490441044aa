// Settings → Owners (issue 13): who uses this laptop ("Who am I", so My queue means something: the app has no
// logins), each domain's owner, backup, escalation contact, rotation and ticket link today, and a hand-over form.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { parsePerson, type Person } from '../../../../shared/ownership/people.ts';
import type { OwnersView } from '../../../../shared/api/ownershipContract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { personName } from '../../format/formatters.ts';

function WhoAmI({ view }: { view: OwnersView }) {
  const store = useAppStore();
  const [text, setText] = useState(view.me ?? '');
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const listId = useId();

  async function save(e: FormEvent) {
    e.preventDefault();
    const me = parsePerson(text);
    if (me === null) return setError('Write yourself as NAME <EMAIL>, for example Ana Lopez <ana@example.com>.');
    setError(null);
    await store.getState().setMe(me);
  }

  return (
    <form className="owners-me" aria-label="Who am I" onSubmit={(e) => void save(e)} noValidate>
      <h3>Who am I</h3>
      <p className="muted">
        {view.me === null
          ? 'Nobody yet: My queue stays empty until you say who you are.'
          : `This laptop is ${personName(view.me)}'s: My queue holds what they own.`}
      </p>
      <div className="field-row">
        <label htmlFor={inputId}>
          You
          <input id={inputId} type="text" list={listId} size={36} value={text} placeholder="NAME <EMAIL>" onChange={(e) => setText(e.target.value)} />
        </label>
        <datalist id={listId}>
          {view.people.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <button type="submit" className="primary">
          Save
        </button>
        {view.me !== null ? (
          <button type="button" className="ghost" onClick={() => void store.getState().setMe(null)}>
            Forget who I am
          </button>
        ) : null}
      </div>
      {error !== null ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : null}
    </form>
  );
}

function DomainsTable({ view }: { view: OwnersView }) {
  return (
    <table className="owners-domains">
      <caption className="visually-hidden">Domains and their owners on {view.day}</caption>
      <thead>
        <tr>
          <th>Domain</th>
          <th>Owner</th>
          <th>Backup</th>
          <th>Escalates to</th>
          <th>Since</th>
          <th>Rotation</th>
          <th>Ticket link</th>
        </tr>
      </thead>
      <tbody>
        {view.domains.map((d) => (
          <tr key={d.domain}>
            <td>{d.domain}</td>
            <td title={d.owner ?? undefined}>{d.owner === null ? <span className="attention">nobody</span> : personName(d.owner)}</td>
            <td title={d.backup ?? undefined}>{d.backup === null ? <span className="attention">nobody</span> : personName(d.backup)}</td>
            <td title={d.escalation ?? undefined}>{d.escalation === null ? <span className="muted">—</span> : personName(d.escalation)}</td>
            <td>
              {d.since ?? '—'}
              {d.handoff ? <span className="badge">hand-off week</span> : null}
            </td>
            <td>
              {d.rotation === null ? (
                <span className="muted">—</span>
              ) : (
                `${d.rotation.every} from ${d.rotation.starting}, ${d.rotation.people.length} people`
              )}
            </td>
            <td className="mono owners-url">{d.ticketUrl ?? <span className="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function HandOverForm({ view }: { view: OwnersView }) {
  const store = useAppStore();
  const [domain, setDomain] = useState(view.domains[0]?.domain ?? '');
  const [owner, setOwner] = useState('');
  const [backup, setBackup] = useState('');
  const [from, setFrom] = useState('');
  const [error, setError] = useState<string | null>(null);
  const ids = { domain: useId(), owner: useId(), backup: useId(), from: useId(), people: useId(), domains: useId() };

  async function save(e: FormEvent) {
    e.preventDefault();
    const o: Person | null = parsePerson(owner);
    const b: Person | null = parsePerson(backup);
    if (domain.trim() === '') return setError('Name the domain.');
    if (o === null || b === null) return setError('Write the owner and the backup as NAME <EMAIL>.');
    setError(null);
    if (await store.getState().setDomainOwners({ domain: domain.trim(), owner: o, backup: b, ...(from === '' ? {} : { from }) })) {
      setOwner('');
      setBackup('');
    }
  }

  return (
    <form aria-label="Hand a domain over" onSubmit={(e) => void save(e)} noValidate>
      <h3>Hand a domain over</h3>
      <div className="field-row">
        <label htmlFor={ids.domain}>
          Domain
          <input id={ids.domain} type="text" list={ids.domains} size={12} value={domain} onChange={(e) => setDomain(e.target.value)} />
        </label>
        <datalist id={ids.domains}>
          {view.domains.map((d) => (
            <option key={d.domain} value={d.domain} />
          ))}
        </datalist>
        <label htmlFor={ids.owner}>
          Owner
          <input
            id={ids.owner}
            type="text"
            list={ids.people}
            size={28}
            value={owner}
            placeholder="NAME <EMAIL>"
            onChange={(e) => setOwner(e.target.value)}
          />
        </label>
        <label htmlFor={ids.backup}>
          Backup
          <input
            id={ids.backup}
            type="text"
            list={ids.people}
            size={28}
            value={backup}
            placeholder="NAME <EMAIL>"
            onChange={(e) => setBackup(e.target.value)}
          />
        </label>
        <datalist id={ids.people}>
          {view.people.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <label htmlFor={ids.from}>
          From
          <input id={ids.from} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <button type="submit">Hand over</button>
      </div>
      {error !== null ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : null}
    </form>
  );
}

export function OwnersPanel() {
  const store = useAppStore();
  const view = useApp((s) => s.owners);
  const changes = useApp((s) => s.changes.settings);
  useEffect(() => {
    void store.getState().loadOwners();
  }, [store, changes]);
  return (
    <section className="panel owners-panel" aria-label="Owners">
      <h2>Owners</h2>
      {view === null ? (
        <p className="muted" role="status">
          Reading the owners…
        </p>
      ) : (
        <>
          {/* Keyed by who is saved, so the field starts over from it after a save. */}
          <WhoAmI key={view.me ?? ''} view={view} />
          <h3>Domains on {view.day}</h3>
          <DomainsTable view={view} />
          <HandOverForm view={view} />
          <p className="muted">
            Rotations, escalation contacts, ticket links and the domain table are kept in workspace.json (see the README, “Owners”).
          </p>
        </>
      )}
    </section>
  );
}
