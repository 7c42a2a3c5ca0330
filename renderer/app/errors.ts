import { isIpcError } from '../../shared/ipc/types.ts';

/** The server's (or the app's) own sentence for an error, so users see why, not a stack. */
export function errorMessage(error: unknown): string {
  if (isIpcError(error)) {
    // DESIGN §3.11: the server refuses a write that would leave no administrator. Say it as a refusal.
    if ((error.code as string) === 'last_administrator') {
      return `Refused: this would leave the server without an administrator (an active credential whose roles permit every keyward.* action). ${error.message}`;
    }
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
