import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { contentTypeOf, rendererFile } from '../browser-host/renderer-files.ts';
import { SECURITY_HEADERS } from '../browser-host/security.ts';

// The renderer is served from app://keyward/ rather than file://, so it has a real origin, a
// strict CSP header and no access to the rest of the file system.

export const APP_ORIGIN = 'app://keyward';

/** Must run before app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveRenderer(rendererDir: string): void {
  protocol.handle('app', async (request) => {
    const notFound = () => new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
    try {
      const url = new URL(request.url);
      // A malformed escape (app://keyward/%E0%A4%A) names no file: a 404, not a failed request.
      const file = url.host === 'keyward' ? rendererFile(rendererDir, url.pathname) : null;
      if (!file) return notFound();
      const body = await readFile(file);
      return new Response(body, { headers: { ...SECURITY_HEADERS, 'content-type': contentTypeOf(file) } });
    } catch {
      return notFound();
    }
  });
}
