import { createContext, useContext } from 'react';
import type { KeywardApi } from '../../shared/ipc/contract.ts';
import '../../shared/ipc/window.ts';
import { createBrowserBridge } from '../bridge/browser-bridge.ts';

// The renderer's only door to data: the preload's `window.keyward` in Electron, else the bridge
// to the loopback browser host.
export function resolveApi(): KeywardApi {
  return window.keyward ?? createBrowserBridge();
}

export const ApiContext = createContext<KeywardApi | null>(null);

/** The typed API of shared/ipc/contract.ts. */
export function useApi(): KeywardApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiContext');
  return api;
}
