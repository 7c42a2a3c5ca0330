import { screen, type BrowserWindow, type Rectangle } from 'electron';
import type { KeyValueStore } from '../services/ports.ts';

// Remembers the window's size, position and maximized state between launches; a saved position
// that is no longer on any display (a monitor was unplugged) falls back to the default.

interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

export function restoredBounds(store: KeyValueStore): { bounds: Partial<Rectangle>; maximized: boolean } {
  const saved = store.get<WindowState>('windowState');
  if (!saved) return { bounds: { width: 1280, height: 820 }, maximized: false };
  const visible = screen.getAllDisplays().some((d) => {
    const a = d.workArea;
    const b = saved.bounds;
    return b.x < a.x + a.width && b.x + b.width > a.x && b.y < a.y + a.height && b.y + b.height > a.y;
  });
  return { bounds: visible ? saved.bounds : { width: saved.bounds.width, height: saved.bounds.height }, maximized: saved.maximized };
}

export function trackWindowState(window: BrowserWindow, store: KeyValueStore): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const save = () => {
    if (window.isDestroyed()) return;
    store.set('windowState', { bounds: window.getNormalBounds(), maximized: window.isMaximized() } satisfies WindowState);
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  window.on('resize', later);
  window.on('move', later);
  window.on('close', save);
}
