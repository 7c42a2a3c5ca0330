// The two Web APIs shared/ relies on. Node, Electron and browsers all provide them, so shared/
// can use them without depending on Node or the DOM typings.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare var crypto: { getRandomValues<T extends ArrayBufferView>(array: T): T };
