import { useEffect, useState } from 'react';

/**
 * `value`, once it has stayed the same for `delayMs`. Search fields that ask the server use it so
 * a burst of keystrokes makes one request, not one per key.
 */
export function useDebouncedValue<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/**
 * Rejects as soon as `signal` aborts. The IPC contract cannot cancel a call in flight, so this is
 * how a query the user no longer waits for (an older search) stops counting: TanStack Query sees
 * that the query function uses its signal, cancels it when its key is left, and drops the answer.
 */
export function abandonOnAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
