import { ClipboardItem, clipboard as electronClipboardModule } from 'electron';
import ElectronStore from 'electron-store';
import type { ClipboardPort, KeyValueStore } from '../services/ports.ts';

// Electron implementations of the service ports.

// A global `Clipboard` type from the web typings shadows Electron's in electron.d.ts; name it exactly.
const clipboard = electronClipboardModule as unknown as Electron.Clipboard;

export function electronStore(name: string): KeyValueStore {
  // 0600: other users of the machine must not read profiles or the offline cache.
  const store = new ElectronStore<Record<string, unknown>>({ name, accessPropertiesByDotNotation: false, configFileMode: 0o600 });
  return {
    get: <T>(key: string) => store.get(key) as T | undefined,
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
  };
}

/**
 * The platform clipboard format that tells clipboard managers and history to skip a copy:
 * macOS org.nspasteboard.ConcealedType, Windows ExcludeClipboardContentFromMonitorProcessing,
 * Linux x-kde-passwordManagerHint=secret. Electron 45 writes a raw platform format through its
 * documented custom format `electron application/osclipboard;format="<name>"` (clipboard.md;
 * writeBuffer is gone). On Linux only KDE's Klipper honours the hint, so concealment is claimed
 * there only; elsewhere the marker is still written (harmless) and the UI says copies are not
 * concealed.
 */
export function concealmentMarker(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): { format: Record<string, string>; honoured: boolean } {
  const raw = (name: string) => `electron application/osclipboard;format="${name}"`;
  if (platform === 'darwin') return { format: { [raw('org.nspasteboard.ConcealedType')]: '' }, honoured: true };
  if (platform === 'win32') return { format: { [raw('ExcludeClipboardContentFromMonitorProcessing')]: '' }, honoured: true };
  if (platform === 'linux') {
    const desktop = `${env['XDG_CURRENT_DESKTOP'] ?? ''}:${env['XDG_SESSION_DESKTOP'] ?? ''}:${env['DESKTOP_SESSION'] ?? ''}`;
    return { format: { [raw('x-kde-passwordManagerHint')]: 'secret' }, honoured: /\b(kde|plasma)/i.test(desktop) };
  }
  return { format: {}, honoured: false };
}

/**
 * The system clipboard, marking each copy concealed (concealmentMarker). One ClipboardItem
 * carries the text and the marker, so the platform commits both atomically (no moment where the
 * text sits on the clipboard unmarked).
 */
export function electronClipboard(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): ClipboardPort {
  const marker = concealmentMarker(platform, env);
  return {
    concealment: marker.honoured,
    readText: () => clipboard.readText(),
    writeText: (text) => clipboard.write([new ClipboardItem({ 'text/plain': text, ...marker.format })]),
    clear: async () => clipboard.clear(),
    // No readTextSync: Electron 45's readText() returns a promise (electron.d.ts), so at 'exit'
    // OneTimeSecrets goes by its last countdown tick's check; clear() is still synchronous.
    clearSync: () => clipboard.clear(),
  };
}
