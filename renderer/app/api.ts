import { createContext, useContext } from 'react';
import type { KeywardApi } from '../../shared/ipc/contract.ts';
import '../../shared/ipc/window.ts';

// The renderer's only door to data: the preload's `window.keyward` in Electron, else the browser
// bridge of the loopback browser host. import.meta.glob keeps the build working on a checkout
// where the bridge is not there yet (the glob is then empty and we say so on screen).
const bridges = import.meta.glob<{ createBrowserBridge: () => KeywardApi }>('../bridge/browser-bridge.ts', { eager: true });

export function resolveApi(): KeywardApi {
  if (window.keyward) return window.keyward;
  const bridge = Object.values(bridges)[0];
  if (!bridge) throw new Error('No Keyward API: open the app from Electron or the browser host.');
  return bridge.createBrowserBridge();
}

export const ApiContext = createContext<KeywardApi | null>(null);

/** The typed API of shared/ipc/contract.ts. */
export function useApi(): KeywardApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiContext');
  return api;
}
