import { request, type RequestOptions } from 'node:https';

// The backend's REST API called directly by end-to-end tests, as another admin would.

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/** The backend's REST API with the admin token (node:https for a self-signed certificate, which fetch cannot be told to trust). */
export function restClient(baseUrl: () => string, token: string, tls?: TlsFiles) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers = { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const { status, text } = tls
      ? await httpsText(`${baseUrl()}${path}`, { method, headers, ca: tls.cert }, payload)
      : await fetch(`${baseUrl()}${path}`, { method, headers, body: payload }).then(async (r) => ({
          status: r.status,
          text: await r.text(),
        }));
    if (status < 200 || status > 299) throw new Error(`${method} ${path} → ${status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

function httpsText(url: string, options: RequestOptions, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
