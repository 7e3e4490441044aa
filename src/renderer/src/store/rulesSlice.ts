// The Rules screen's state: the versions and the one in force, the version being looked at with its comparison and
// the grid of its differences (paged by the services), the difference open with both explanations, and the actions
// that change versions (save in shadow, promote, widen a canary, roll back), each journaled with a reason.
import { DIFF_SORT_FIELD_VALUES, type RequestOf, type ResponseOf, type RuleComparison, type RuleDiffFilter } from '../../../shared/api/contract.ts';
import { errorMessage, type SliceCreator } from './sliceTypes.ts';
import { periodRequest } from './periodSlice.ts';

type DiffSortField = (typeof DIFF_SORT_FIELD_VALUES)[number];
export type RulesVersions = ResponseOf<'rules.versions'>;
export type DiffDetail = ResponseOf<'rules.diffDetail'>;
export type TryExampleResult = ResponseOf<'rules.tryExample'>;

interface GridSort {
  colId: string;
  sort: 'asc' | 'desc';
}

function isSortField(colId: string): colId is DiffSortField {
  return (DIFF_SORT_FIELD_VALUES as readonly string[]).includes(colId);
}

export interface RulesSlice {
  rulesVersions: RulesVersions | null;
  rulesLoadError: string | null;
  /** The version whose comparison is shown (never the one in force: it is what the others are compared with). */
  rulesSelected: string | null;
  rulesComparison: RuleComparison | null;
  rulesComparisonError: string | null;
  rulesDiffFilter: RuleDiffFilter;
  rulesDiffTotal: number | null;
  rulesDiffOpen: string | null;
  rulesDiffDetail: DiffDetail | null;
  rulesDiffDetailError: string | null;
  /** The editor is open (on the version in force's rules). */
  rulesEditing: boolean;
  /** A change of versions is running (save, promote, roll back). */
  rulesBusy: boolean;
  /** Why the last promotion was refused (what the observation window lacks), shown at the promotion form. */
  rulesPromoteRefusal: string | null;
  loadRules(): Promise<void>;
  selectRuleVersion(version: string | null): void;
  loadComparison(): Promise<void>;
  setRulesDiffFilter(patch: Partial<RuleDiffFilter>): void;
  rulesDiffSort: NonNullable<RequestOf<'rules.diffs'>['sort']>;
  /** The differences grid's view as it stands (version, filter, sort, period): what a page or the export asks for. */
  rulesDiffsView(): Omit<RequestOf<'rules.diffs'>, 'startRow' | 'endRow'>;
  fetchDiffPage(startRow: number, endRow: number, sortModel: readonly GridSort[]): Promise<ResponseOf<'rules.diffs'>>;
  openDiff(eventId: string): Promise<void>;
  closeDiff(): void;
  setRulesEditing(editing: boolean): void;
  /** Saves an edited rule set in shadow; the new version's label, or null (a notice says why). */
  createRuleVersion(request: RequestOf<'rules.create'>): Promise<string | null>;
  /** Promotes (or widens a canary); false when refused (`rulesPromoteRefusal` or a notice says why). */
  promoteRuleVersion(request: RequestOf<'rules.promote'>): Promise<boolean>;
  rollbackRules(reason: string): Promise<boolean>;
  /** The rule set JSON of a version (default: the one in force), for the editor to start from. */
  fetchRuleDefinition(version?: string): Promise<ResponseOf<'rules.definition'>>;
  /** What an edited rule set (not saved) would make of an event, exception or match; rejects like the call. */
  tryRuleExample(request: RequestOf<'rules.tryExample'>): Promise<TryExampleResult>;
}

function runText(r: { matchesCreated: number; matchesEnded: number; exceptionsOpened: number; exceptionsClosed: number }): string {
  return `${r.matchesCreated} matches made, ${r.matchesEnded} ended, ${r.exceptionsOpened} exceptions opened, ${r.exceptionsClosed} closed`;
}

export const createRulesSlice: SliceCreator<RulesSlice> = (api) => (set, get) => ({
  rulesVersions: null,
  rulesLoadError: null,
  rulesSelected: null,
  rulesComparison: null,
  rulesComparisonError: null,
  rulesDiffFilter: {},
  rulesDiffSort: [],
  rulesDiffTotal: null,
  rulesDiffOpen: null,
  rulesDiffDetail: null,
  rulesDiffDetailError: null,
  rulesEditing: false,
  rulesBusy: false,
  rulesPromoteRefusal: null,
  async loadRules() {
    try {
      const versions = await api.call('rules.versions', {});
      set({ rulesVersions: versions, rulesLoadError: null });
      // The version looked at: kept while it can be compared; else the newest in shadow or canary, if any.
      const selected = get().rulesSelected;
      const comparable = versions.versions.filter((v) => !v.inForce);
      if (selected === null || !comparable.some((v) => v.version === selected)) {
        const next = comparable.find((v) => v.state === 'canary' || v.state === 'shadow')?.version ?? null;
        get().selectRuleVersion(next);
      } else {
        await get().loadComparison();
      }
    } catch (err) {
      set({ rulesLoadError: errorMessage(err) });
    }
  },
  selectRuleVersion(version) {
    set({
      rulesSelected: version,
      rulesComparison: null,
      rulesComparisonError: null,
      rulesDiffTotal: null,
      rulesPromoteRefusal: null,
      rulesDiffFilter: {},
    });
    get().closeDiff();
    if (version !== null) void get().loadComparison();
  },
  async loadComparison() {
    const version = get().rulesSelected;
    if (version === null) return;
    try {
      const comparison = await api.call('rules.compare', { version });
      if (get().rulesSelected === version) set({ rulesComparison: comparison, rulesComparisonError: null });
    } catch (err) {
      if (get().rulesSelected === version) set({ rulesComparisonError: errorMessage(err) });
    }
  },
  setRulesDiffFilter: (patch) => set((s) => ({ rulesDiffFilter: { ...s.rulesDiffFilter, ...patch } })),
  rulesDiffsView: () => ({ version: get().rulesSelected ?? '', ...periodRequest(get()), sort: get().rulesDiffSort, filter: get().rulesDiffFilter }),
  async fetchDiffPage(startRow, endRow, sortModel) {
    const version = get().rulesSelected;
    if (version === null) return { rows: [], totalRows: 0 };
    const sort = sortModel
      .filter((s) => isSortField(s.colId))
      .slice(0, 3)
      .map((s) => ({ field: s.colId as DiffSortField, dir: s.sort }));
    set({ rulesDiffSort: sort });
    const page = await api.call('rules.diffs', { ...get().rulesDiffsView(), startRow, endRow });
    if (get().rulesSelected === version) set({ rulesDiffTotal: page.totalRows });
    return page;
  },
  async openDiff(eventId) {
    const version = get().rulesSelected;
    if (version === null) return;
    set({ rulesDiffOpen: eventId, rulesDiffDetail: null, rulesDiffDetailError: null });
    try {
      const detail = await api.call('rules.diffDetail', { version, eventId });
      if (get().rulesDiffOpen === eventId) set({ rulesDiffDetail: detail });
    } catch (err) {
      if (get().rulesDiffOpen === eventId) set({ rulesDiffDetailError: errorMessage(err) });
    }
  },
  closeDiff: () => set({ rulesDiffOpen: null, rulesDiffDetail: null, rulesDiffDetailError: null }),
  setRulesEditing: (editing) => set({ rulesEditing: editing }),
  async createRuleVersion(request) {
    set({ rulesBusy: true });
    try {
      const r = await get().runJob('rules.create', 'Saving the rules in shadow', request);
      get().notify(
        'success',
        `Saved as ${r.version}, in shadow: nothing live changed.${r.run === null ? '' : ` Its shadow run: ${runText(r.run)}.`}${r.laneError === null ? '' : ` Its shadow run could not start (${r.laneError}); the next run makes it.`}`,
      );
      set({
        rulesEditing: false,
        rulesSelected: r.version,
        rulesComparison: null,
        rulesDiffTotal: null,
        rulesDiffFilter: {},
        rulesPromoteRefusal: null,
      });
      get().closeDiff();
      await get().loadRules();
      return r.version;
    } catch (err) {
      get().notify('error', `The rules were not saved: ${errorMessage(err)}`);
      return null;
    } finally {
      set({ rulesBusy: false });
    }
  },
  async promoteRuleVersion(request) {
    set({ rulesBusy: true, rulesPromoteRefusal: null });
    try {
      const r = await get().runJob('rules.promote', `Promoting ${request.version}`, request);
      const what = r.state === 'canary' ? `${r.version} runs as a canary beside ${r.previous}` : `${r.version} is active (${r.previous} retired)`;
      get().notify('success', `${what}${r.overridden ? '; the observation window was overridden (journaled)' : ''}. Full run: ${runText(r.run)}.`);
      await get().loadRules();
      return true;
    } catch (err) {
      set({ rulesPromoteRefusal: errorMessage(err) });
      return false;
    } finally {
      set({ rulesBusy: false });
    }
  },
  fetchRuleDefinition: (version) => api.call('rules.definition', version === undefined ? {} : { version }),
  tryRuleExample: (request) => api.call('rules.tryExample', request),
  async rollbackRules(reason) {
    set({ rulesBusy: true });
    try {
      const r = await get().runJob('rules.rollback', 'Rolling back', { reason });
      get().notify('success', `Rolled back ${r.rolledBack}: ${r.version} is in force again. Full run: ${runText(r.run)}.`);
      await get().loadRules();
      return true;
    } catch (err) {
      get().notify('error', `Nothing was rolled back: ${errorMessage(err)}`);
      return false;
    } finally {
      set({ rulesBusy: false });
    }
  },
});
