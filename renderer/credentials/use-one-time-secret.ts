import { useEffect, useState } from 'react';
import type { CopyFormat, SecretHandle } from '../../shared/ipc/types.ts';
import { useApi } from '../app/api.ts';
import { errorMessage } from '../app/errors.ts';

/**
 * The one-time dialog's secret, held in main behind `handle`: copies (with the seconds until main
 * clears the clipboard), reveal and hide, and discarding it on close. The plain text is in React
 * state only while revealed.
 */
export function useOneTimeSecret(handle: SecretHandle, onClose: () => void) {
  const api = useApi();
  const [revealed, setRevealed] = useState<string | null>(null);
  const [copy, setCopy] = useState<{ format: CopyFormat; clearsAt: number | null } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [cleared, setCleared] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!copy?.clearsAt) return;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, 250);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [copy]);
  useEffect(() => {
    const offCleared = api.on('secrets.clipboardCleared', (e) => {
      if (e.handleId === handle.id) {
        setCleared(true);
        setCopy(null);
      }
    });
    const offExpired = api.on(
      'secrets.expired',
      (e) => e.handleId === handle.id && setError('This token is no longer held by the app. Roll the credential to get a new one.'),
    );
    return () => {
      offCleared();
      offExpired();
    };
  }, [api, handle.id]);

  const doCopy = async (format: CopyFormat) => {
    setError(null);
    try {
      const result = await api.secrets.copy({ handle: handle.id, format });
      setCleared(false);
      setCopy({ format, clearsAt: result.clearsAt ? Date.parse(result.clearsAt) : null });
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const toggleReveal = async () => {
    if (revealed !== null) return setRevealed(null);
    try {
      setRevealed((await api.secrets.reveal({ handle: handle.id })).secret);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const close = async () => {
    setRevealed(null);
    await api.secrets.discard({ handle: handle.id }).catch(() => undefined);
    onClose();
  };

  const secondsLeft = copy?.clearsAt ? Math.max(0, Math.ceil((copy.clearsAt - now) / 1000)) : null;
  return { revealed, copy, cleared, error, secondsLeft, doCopy, toggleReveal, close };
}
