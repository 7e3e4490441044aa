// Light or dark: the app theme (grids and charts follow it).
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import type { Theme } from '../../store/uiSlice.ts';

const THEMES: readonly { theme: Theme; label: string }[] = [
  { theme: 'light', label: 'Light' },
  { theme: 'dark', label: 'Dark' },
];

export function ThemePanel() {
  const store = useAppStore();
  const current = useApp((s) => s.theme);
  return (
    <section className="panel">
      <fieldset className="theme-choice">
        <legend>
          <h2>Theme</h2>
        </legend>
        {THEMES.map(({ theme, label }) => (
          <label key={theme} className="radio">
            <input type="radio" name="theme" value={theme} checked={current === theme} onChange={() => store.getState().setTheme(theme)} />
            {label}
          </label>
        ))}
      </fieldset>
    </section>
  );
}
