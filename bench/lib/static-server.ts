import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, relative, resolve, sep } from 'node:path';
import { contentTypeOf, rendererFile } from '../../electron/browser-host/renderer-files.ts';

// A loopback static file server for built renderer pages (the bench page, the axe views): a
// production build, as users get it (vite's dev server would measure React's development mode
// instead), served by the same file rule and content types as the app:// handler and the browser
// host.

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

export async function serveFolder(folder: string): Promise<StaticServer> {
  const root = resolve(folder);
  const server: Server = createServer((request, response) => {
    const file = rendererFile(root, new URL(request.url ?? '/', 'http://localhost').pathname);
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': contentTypeOf(file), 'cache-control': 'no-store' });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The path (relative to root, with forward slashes) of the first file named `name` under root. */
export function findFile(root: string, name: string): string | null {
  if (!existsSync(root)) return null;
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name === name) return relative(root, join(entry.parentPath, entry.name)).split(sep).join('/');
  }
  return null;
}
