import { app, session, shell, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../browser-host/security.ts';
import { APP_ORIGIN } from './app-protocol.ts';

// Window hardening (DESIGN §5, Signal Desktop's choices): no navigation, no new windows, no
// webviews, no permissions, and no network from the renderer — it talks to main over IPC only.

const HELP_LINKS = new Set(['https://github.com/keyward/keyward#readme']);

export function hardenSessions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const url = details.url;
    const allowed =
      url.startsWith(`${APP_ORIGIN}/`) || url.startsWith(`blob:${APP_ORIGIN}/`) || url.startsWith('data:') || url.startsWith('devtools://');
    callback({ cancel: !allowed });
  });
  // The app:// handler already sends the CSP; this also covers any other response (devtools aside).
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // Downloads are the drafts files the renderer builds itself (blob: URLs of our origin); the
  // user picks where they go in the save dialog. Anything else is refused.
  ses.on('will-download', (event, item) => {
    if (!item.getURL().startsWith(`blob:${APP_ORIGIN}/`)) event.preventDefault();
  });
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
}

function hardenContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    // The only links the app opens are its own help pages, in the user's browser.
    if (HELP_LINKS.has(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** An IPC message is trusted only from the main frame of our own window showing our own origin. */
export function isTrustedSender(sender: WebContents, frame: Electron.WebFrameMain | null, windowContentsId: number | null): boolean {
  if (windowContentsId === null || sender.id !== windowContentsId) return false;
  if (!frame || frame !== sender.mainFrame) return false;
  try {
    // Not URL.origin: WHATWG URL gives "null" as the origin of non-special schemes like app:.
    const url = new URL(frame.url);
    return `${url.protocol}//${url.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}
