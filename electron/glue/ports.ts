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
 * The system clipboard, marking each copy concealed so clipboard managers and history skip it:
 * macOS org.nspasteboard.ConcealedType, Windows ExcludeClipboardContentFromMonitorProcessing,
 * KDE x-kde-passwordManagerHint. One ClipboardItem carries the text and the marker, so the
 * platform commits both atomically (no moment where the text sits on the clipboard unmarked).
 */
export function electronClipboard(platform: NodeJS.Platform = process.platform): ClipboardPort {
  const markers: Record<string, Record<string, string>> = {
    darwin: { 'org.nspasteboard.ConcealedType': '' },
    win32: { ExcludeClipboardContentFromMonitorProcessing: '' },
    linux: { 'x-kde-passwordManagerHint': 'secret' },
  };
  const marker = markers[platform] ?? {};
  return {
    concealment: Object.keys(marker).length > 0,
    readText: () => clipboard.readText(),
    writeText: (text) => clipboard.write([new ClipboardItem({ 'text/plain': text, ...marker })]),
    clear: async () => clipboard.clear(),
    readTextSync: () => String(clipboard.readText()),
    clearSync: () => clipboard.clear(),
  };
}
