// First launch (no workspace open): what Tieout does, then create a workspace, open the demo month, or open an
// existing or recent workspace.
import { useCallback, useMemo, useState } from 'react';
import { CreateWorkspaceForm } from './firstLaunch/CreateWorkspaceForm.tsx';
import { DemoMonthPanel } from './firstLaunch/DemoMonthPanel.tsx';
import { OpenWorkspacePanel } from './firstLaunch/OpenWorkspacePanel.tsx';
import type { FirstLaunchAction, FirstLaunchRunner } from './firstLaunch/firstLaunchTypes.ts';
import './firstLaunch/firstLaunch.css';

export function FirstLaunchScreen() {
  const [busy, setBusy] = useState<FirstLaunchAction | null>(null);
  const run = useCallback(async (action: FirstLaunchAction, work: () => Promise<void>): Promise<unknown> => {
    setBusy(action);
    try {
      await work();
      return null;
    } catch (err) {
      return err ?? new Error('The call failed without a reason');
    } finally {
      setBusy(null);
    }
  }, []);
  const runner: FirstLaunchRunner = useMemo(() => ({ busy, run }), [busy, run]);

  return (
    <main className="first-launch" aria-label="Welcome to Tieout">
      <header className="first-launch-intro">
        <h1>Tieout</h1>
        <p>
          Tieout ties out a month of orders, payments, payouts and bank lines on this computer. It keeps every imported record in an append-only
          ledger, matches them by versioned rules, and turns whatever does not tie out into exceptions for you to work through.
        </p>
      </header>
      <div className="first-launch-paths">
        <CreateWorkspaceForm runner={runner} />
        <DemoMonthPanel runner={runner} />
      </div>
      <OpenWorkspacePanel runner={runner} />
    </main>
  );
}
