// What the first-launch panels share: one call at a time, and its failure handed back to the panel that made it.
export type FirstLaunchAction = 'create' | 'demo' | 'open';

export interface FirstLaunchRunner {
  /** The call under way, if any: the other buttons wait for it. */
  busy: FirstLaunchAction | null;
  /** Runs the work; resolves to what it threw, or null when it succeeded. */
  run(action: FirstLaunchAction, work: () => Promise<void>): Promise<unknown>;
}
