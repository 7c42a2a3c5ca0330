import type { Stack } from './stack.ts';

/** What a paste would give right now, from the clipboard the host copies to. */
export async function readClipboard(stack: Stack): Promise<string> {
  if (!stack.host.clipboard) throw new Error('This host does not expose its clipboard to tests.');
  return stack.host.clipboard.readText();
}
