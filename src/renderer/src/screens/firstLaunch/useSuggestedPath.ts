// The folder the services suggest for a workspace of this name (`workspace.suggestPath`), re-asked as the
// name is typed; null until the first answer.
import { useEffect, useState } from 'react';
import { useApi } from '../../store/storeContext.tsx';

const TYPING_PAUSE_MS = 250;

export function useSuggestedPath(name: string): string | null {
  const api = useApi();
  const [suggested, setSuggested] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      api.call('workspace.suggestPath', { name: name.trim().slice(0, 200) || 'Workspace' }).then(
        (r) => {
          if (current) setSuggested(r.path);
        },
        // Only a convenience: without a suggestion the person types the folder.
        () => undefined,
      );
    }, TYPING_PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, name]);
  return suggested;
}
