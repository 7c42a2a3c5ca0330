import type { Stack } from './stack.ts';

/** What a paste would give right now, from the clipboard the browser host copies to. */
export function readClipboard(stack: Stack): Promise<string> {
  return stack.host.clipboard.readText();
}
