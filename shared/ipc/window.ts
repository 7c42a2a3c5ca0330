import type { KeywardApi } from './contract.ts';

// The preload puts the API on `window.keyward`; in a plain browser (the browser host) it is absent
// and the renderer builds renderer/bridge/browser-bridge.ts instead. Import this module once
// (for its type) to make `window.keyward` typed.

declare global {
  interface Window {
    keyward?: KeywardApi;
  }
}
