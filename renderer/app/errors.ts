import { isIpcError, type IpcError } from '../../shared/ipc/types.ts';

/** The server's (or the app's) own sentence for an error, so users see why, not a stack. */
export function errorMessage(error: unknown): string {
  if (isIpcError(error)) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

export function errorCode(error: unknown): IpcError['code'] | null {
  return isIpcError(error) ? error.code : null;
}
