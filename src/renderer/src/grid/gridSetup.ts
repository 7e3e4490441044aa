// AG Grid (community) and AG Charts (community) set up once: modules registered, themes matching the app's.
import { AllCommunityModule, ModuleRegistry, themeQuartz, colorSchemeDark, colorSchemeLight } from 'ag-grid-community';
import { AllCommunityModule as AllChartsModule, ModuleRegistry as ChartsRegistry } from 'ag-charts-community';
import type { Theme } from '../store/uiSlice.ts';

ModuleRegistry.registerModules([AllCommunityModule]);
ChartsRegistry.registerModules([AllChartsModule]);

const base = themeQuartz.withParams({
  fontFamily: 'inherit',
  fontSize: 13,
  headerFontSize: 12,
  rowHeight: 30,
  headerHeight: 32,
  spacing: 6,
  // Dense like a ledger: the default 18 px a side leaves a 1280 px window two columns short of a full row.
  cellHorizontalPadding: 10,
  wrapperBorderRadius: 4,
});

const themes = {
  light: base.withPart(colorSchemeLight),
  dark: base.withPart(colorSchemeDark),
};

export function gridTheme(theme: Theme) {
  return themes[theme];
}

/** AG Charts theme name for the app theme. */
export function chartTheme(theme: Theme): 'ag-default' | 'ag-default-dark' {
  return theme === 'dark' ? 'ag-default-dark' : 'ag-default';
}

/**
 * Grid options shared by the single-selection grids (Matches, Payouts). Module constants, not inline objects:
 * AG Grid re-applies an option whenever React hands it a new object, i.e. on every render.
 */
export const SINGLE_ROW_SELECTION = { mode: 'singleRow', checkboxes: false, enableClickSelection: true } as const;
export const UNSORTED_COLUMNS = { sortable: false, resizable: true } as const;
