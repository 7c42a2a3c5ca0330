import type { Outcome } from '../../../shared/ipc/client.ts';
import { methodSpec, type KeywardApi } from '../../../shared/ipc/contract.ts';
import { checkIpcArgument } from '../../../shared/ipc/validate.ts';
import { toIpcError } from '../errors.ts';
import type { Logger } from '../ports.ts';

// The one entry both hosts (Electron IPC, browser host) call: validates the argument against the
// contract before anything runs and turns every failure into an IpcError value. Logs carry
// method names and error codes, never arguments.

export function makeDispatch(api: KeywardApi, log: Logger): (method: string, arg: unknown) => Promise<Outcome> {
  return async (method, arg) => {
    const problem = checkIpcArgument(method, arg);
    if (problem) {
      log.warn('ipc argument rejected', { method: method.slice(0, 100), code: problem.code });
      return { ok: false, error: problem };
    }
    const [domain, name] = method.split('.') as [keyof KeywardApi, string];
    const fn = (api[domain] as unknown as Record<string, (a?: unknown) => Promise<unknown>>)[name]!;
    try {
      // A left-out argument object was validated as {} (every field optional); pass it as such.
      const value = await fn(arg ?? (methodSpec(method)!.args ? {} : undefined));
      return { ok: true, value: value === undefined ? null : value };
    } catch (error) {
      const ipcError = toIpcError(error);
      log[ipcError.code === 'internal' ? 'warn' : 'info']('ipc call failed', {
        method,
        code: ipcError.code,
        ...(ipcError.code === 'internal' ? { error: stackOnly(error) } : {}),
      });
      return { ok: false, error: ipcError };
    }
  };
}

/** An unexpected error's type and stack frames without its message (a message might quote data). */
function stackOnly(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, 8);
  return [error.name, ...frames].join('\n');
}
