import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { protocol } from 'electron';
import { SECURITY_HEADERS } from '../browser-host/security.ts';

// The renderer is served from app://keyward/ rather than file://, so it has a real origin, a
// strict CSP header and no access to the rest of the file system.

export const APP_ORIGIN = 'app://keyward';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/** Must run before app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveRenderer(rendererDir: string): void {
  const root = resolve(rendererDir);
  protocol.handle('app', async (request) => {
    const notFound = () => new Response('Not found', { status: 404 });
    try {
      const url = new URL(request.url);
      // Inside the try: a malformed escape (app://keyward/%E0%A4%A) is a 404, not a failed request.
      const relative = decodeURIComponent(url.pathname === '/' ? 'index.html' : url.pathname.replace(/^\/+/, ''));
      const file = resolve(root, relative);
      if (url.host !== 'keyward' || !file.startsWith(root + sep) || relative.split(/[/\\]/).some((p) => p.startsWith('.')))
        return notFound();
      const body = await readFile(file);
      return new Response(body, { headers: { ...SECURITY_HEADERS, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' } });
    } catch {
      return notFound();
    }
  });
}
