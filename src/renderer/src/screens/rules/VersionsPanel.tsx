// The rule set versions and their states, the one in force marked; a running canary's figures with its widen and
// roll back actions; and the one-step rollback of the active version.
import { useState } from 'react';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatCount, formatInstant } from '../../format/formatters.ts';
import type { RulesVersions } from '../../store/rulesSlice.ts';

const STATE_WORDS: Record<string, string> = { draft: 'draft', shadow: 'in shadow', active: 'active', canary: 'canary', retired: 'retired' };

function scopeText(scope: { sources: string[]; codes: string[] }): string {
  return [...scope.sources, ...scope.codes].join(', ');
}

function ReasonAction({
  label,
  busyLabel,
  onRun,
  extra,
}: {
  label: string;
  busyLabel: string;
  onRun(reason: string, extra: string): Promise<boolean>;
  extra?: string;
}) {
  const busy = useApp((s) => s.rulesBusy);
  const [reason, setReason] = useState('');
  const [scope, setScope] = useState('');
  return (
    <form
      className="toolbar"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        void onRun(reason, scope).then((ok) => ok && setReason(''));
      }}
    >
      {extra !== undefined ? (
        <label>
          {extra}
          <input type="text" size={28} value={scope} onChange={(e) => setScope(e.target.value)} placeholder="empty: everywhere" />
        </label>
      ) : null}
      <label>
        Reason
        <input type="text" size={36} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <button type="submit" disabled={busy || reason.trim() === ''}>
        {busy ? busyLabel : label}
      </button>
    </form>
  );
}

function CanaryPanel({ canary }: { canary: NonNullable<RulesVersions['canary']> }) {
  const store = useAppStore();
  const prefs = useDisplayPrefs();
  return (
    <section className="panel canary-panel" aria-label="Canary">
      <h2>
        Canary: {canary.version} auto-resolves only in {scopeText(canary.scope)}
      </h2>
      <p className="muted">
        Since {formatInstant(canary.since, prefs)}; elsewhere {canary.previous}’s auto-resolution decides.
      </p>
      <div className="kpis">
        <div className="kpi">
          <div className="kpi-label">Auto-resolved</div>
          <div className="kpi-value">{formatCount(canary.autoResolved, prefs.locale)}</div>
        </div>
        <div className="kpi">
          <div className="kpi-label">Held for people (outside its scope)</div>
          <div className="kpi-value">{formatCount(canary.heldForPeople, prefs.locale)}</div>
        </div>
        <div className="kpi">
          <div className="kpi-label">Reopened by people</div>
          <div className="kpi-value">{formatCount(canary.reopened, prefs.locale)}</div>
        </div>
      </div>
      <ReasonAction
        label="Widen the canary"
        busyLabel="Widening…"
        extra="Wider scope (sources, codes)"
        onRun={(reason, scope) =>
          store.getState().promoteRuleVersion({ version: canary.version, reason, ...(scope.trim() === '' ? {} : { canary: scope }) })
        }
      />
      <ReasonAction label="Roll back the canary" busyLabel="Rolling back…" onRun={(reason) => store.getState().rollbackRules(reason)} />
    </section>
  );
}

export function VersionsPanel({ data }: { data: RulesVersions }) {
  const store = useAppStore();
  const prefs = useDisplayPrefs();
  const selected = useApp((s) => s.rulesSelected);
  return (
    <>
      {data.canary !== null ? <CanaryPanel canary={data.canary} /> : null}
      <section className="panel" aria-label="Versions">
        <div className="toolbar">
          <h2>Versions</h2>
          <span className="spacer" />
          <span className="muted">
            In force: <strong className="mono">{data.inForce}</strong>
          </span>
        </div>
        <table className="simple rule-versions" aria-label="Rule set versions">
          <thead>
            <tr>
              <th>Version</th>
              <th>State</th>
              <th>Created</th>
              <th>Why it exists</th>
              <th>Why in this state</th>
            </tr>
          </thead>
          <tbody>
            {data.versions.map((v) => (
              <tr key={v.version} className={v.version === selected ? 'selected' : undefined}>
                <td>
                  {v.inForce ? (
                    <span className="mono">{v.version}</span>
                  ) : (
                    <button
                      type="button"
                      className="link-button mono"
                      aria-pressed={v.version === selected}
                      title="Compare it with the live results"
                      onClick={() => store.getState().selectRuleVersion(v.version)}
                    >
                      {v.version}
                    </button>
                  )}
                </td>
                <td>
                  <span className={`state-badge state-${v.state}`}>{STATE_WORDS[v.state]}</span>
                  {v.inForce ? <span className="muted"> · in force</span> : null}
                  {v.scope !== null ? <span className="muted"> · on {scopeText(v.scope)}</span> : null}
                </td>
                <td>{v.createdAt === null ? '—' : formatInstant(v.createdAt, prefs)}</td>
                <td>{v.reason}</td>
                <td>{v.stateReason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {data.canary === null && data.rollbackTo !== null ? (
          <ReasonAction
            label={`Roll back to ${data.rollbackTo}`}
            busyLabel="Rolling back…"
            onRun={(reason) => store.getState().rollbackRules(reason)}
          />
        ) : null}
      </section>
    </>
  );
}
