import { useState } from 'react';
import { errorMessage } from '../app/errors.ts';

/**
 * One action at a time on a screen (Connections, Drafts): `busy` names the running one so the
 * screen can turn its buttons off, and a failure becomes `error`, a sentence for the screen's alert.
 */
export function useScreenAction() {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (what: string, fn: () => Promise<unknown>) => {
    setBusy(what);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(errorMessage(e));
    }
    setBusy(null);
  };
  return { busy, error, setError, run };
}
