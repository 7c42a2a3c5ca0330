import type { IpcError, IpcErrorCode } from '../../shared/ipc/types.ts';
import { isIpcError } from '../../shared/ipc/types.ts';

// Errors of the main-process services: a stable code, a sentence a user can act on and details
// for machines. They cross IPC as plain IpcError values (toIpcError).

export class KeywardError extends Error {
  readonly code: IpcErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: IpcErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'KeywardError';
    this.code = code;
    this.details = details;
  }

  toIpcError(): IpcError {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

/** Any thrown value as an IpcError; unexpected errors become "internal" without their text (it may hold anything). */
export function toIpcError(error: unknown): IpcError {
  if (error instanceof KeywardError) return error.toIpcError();
  if (isIpcError(error)) return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  return { code: 'internal', message: 'Something went wrong in the Keyward app. Try again; if it persists, restart the app.' };
}
