import type { Stack } from './stack.ts';

/** What a paste would give right now, from the clipboard the app copies to (the browser host's, or the system's under Electron). */
export function readClipboard(stack: Stack): Promise<string> {
  return stack.app.readClipboard();
}
