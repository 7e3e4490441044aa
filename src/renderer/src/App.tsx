// The app's first screen: until the review screens land, it says what Tieout is and how to use the CLI.
import { useEffect, useState } from 'react';
import { apiClient } from './apiClient.ts';
import type { AppInfo } from '../../shared/api/contract.ts';

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    apiClient
      .appInfo()
      .then(setInfo)
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, []);
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 32, maxWidth: 720 }}>
      <h1>{info ? `${info.name} ${info.version}` : 'Tieout'}</h1>
      <p>Orders, payments, payouts and bank lines, tied out in a local append-only ledger.</p>
      <p>
        The review screens arrive in a later release. Today the ledger is driven from the command line:
        <code> tieout init</code>, <code>tieout import</code>, <code>tieout verify</code>, <code>tieout export</code>.
      </p>
      {error !== null && <p role="alert">Could not reach the Tieout backend: {error}</p>}
    </main>
  );
}
