import { extname, resolve, sep } from 'node:path';

// The one rule for which file a renderer URL names, shared by the Electron app:// handler and the
// browser host, so the two hosts serve exactly the same files with the same content types.

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` that a URL path (still percent-encoded) names, or null when it names
 * none: a malformed escape, an encoded `/`, a segment starting with a dot (`..`, `.git`, raw or
 * encoded), a backslash or NUL, or anything that resolves outside root. `/` is index.html.
 */
export function rendererFile(root: string, urlPath: string): string | null {
  if (/%2f/i.test(urlPath)) return null;
  let relative: string;
  try {
    relative = urlPath === '/' ? 'index.html' : decodeURIComponent(urlPath).replace(/^\/+/, '');
  } catch {
    return null;
  }
  if (relative === '' || /[\\\0]/.test(relative) || relative.split('/').some((part) => part.startsWith('.'))) return null;
  const base = resolve(root);
  const file = resolve(base, relative);
  return file.startsWith(base + sep) ? file : null;
}
