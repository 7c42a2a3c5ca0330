import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { contentTypeOf, rendererFile } from '../../../electron/browser-host/renderer-files.ts';

// The app:// handler (Electron) and the browser host serve the renderer by the same rule: only
// files under the renderer folder, a malformed URL names nothing (404, never a failed request).

const root = resolve('/opt/keyward/renderer');

test('the root is index.html and a file under the renderer folder is served, escapes decoded', () => {
  assert.equal(rendererFile(root, '/'), join(root, 'index.html'));
  assert.equal(rendererFile(root, '/assets/app-1a2b.js'), join(root, 'assets', 'app-1a2b.js'));
  assert.equal(rendererFile(root, '/assets/font%20name.woff2'), join(root, 'assets', 'font name.woff2'));
  assert.equal(rendererFile(root, '//index.html'), join(root, 'index.html'));
});

test('a malformed escape, a dot segment, a backslash or NUL names no file, raw or encoded', () => {
  for (const path of [
    '/%E0%A4%A',
    '/%',
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/%2E%2E/%2E%2E/etc/passwd',
    '/.git/config',
    '/assets/.env',
    '/assets%5c..%5c..%5cetc%5cpasswd',
    '/assets\\..\\x',
    '/index.html%00.png',
    '/%2fetc%2fpasswd',
  ])
    assert.equal(rendererFile(root, path), null, path);
});

test('each renderer file type gets its content type, case-insensitively; anything else is a download', () => {
  assert.equal(contentTypeOf('index.html'), 'text/html; charset=utf-8');
  assert.equal(contentTypeOf('app.js'), 'text/javascript; charset=utf-8');
  assert.equal(contentTypeOf('chunk.MJS'), 'text/javascript; charset=utf-8');
  assert.equal(contentTypeOf('theme.css'), 'text/css; charset=utf-8');
  assert.equal(contentTypeOf('icon.svg'), 'image/svg+xml');
  assert.equal(contentTypeOf('font.woff2'), 'font/woff2');
  assert.equal(contentTypeOf('archive.tar'), 'application/octet-stream');
});
