import { connect } from 'node:net';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

// An API upstream for the proxy tests that reads each request the way three kinds of real
// servers do, and records which routes each of them would serve. Keyward's canonical path must
// never be a different route from any of these:
// - Express-like: each segment percent-decoded (decodeURIComponent), routes matched ignoring case;
// - WHATWG URL parser (new URL(target, base), as many Node services do): "\" is "/", "." and
//   ".." (also %2e) resolved, "//x" a host name; the router then decodes the pathname;
// - servlet-like (Tomcat, Jetty): ";params" cut from every segment, "\" read as "/", decoded,
//   dot segments resolved, slashes merged, and case folded the way Java's equalsIgnoreCase does.
// Each also honours a method-override header, as Express's method-override and Spring's
// HiddenHttpMethodFilter do.

export type UpstreamModel = 'express' | 'whatwg' | 'servlet';

export interface UpstreamRequest {
  method: string;
  target: string;
  headers: IncomingHttpHeaders;
  /** The path each model routes, or null where that model answers 400 itself. */
  paths: Record<UpstreamModel, string | null>;
}

function cutQuery(target: string): string {
  return target.split(/[?#]/)[0]!;
}

function decodeSegments(path: string): string | null {
  try {
    return path
      .split('/')
      .map((segment) => decodeURIComponent(segment))
      .join('/');
  } catch {
    return null;
  }
}

function resolveDots(path: string): string {
  const out: string[] = [];
  const segments = path.split('/').slice(1);
  segments.forEach((segment, i) => {
    if (segment === '..') out.pop();
    else if (segment !== '.') out.push(segment);
    if ((segment === '.' || segment === '..') && i === segments.length - 1) out.push('');
  });
  return `/${out.join('/')}`;
}

export function expressPath(target: string): string | null {
  return decodeSegments(cutQuery(target))?.toLowerCase() ?? null;
}

export function whatwgPath(target: string): string | null {
  let pathname: string;
  try {
    pathname = new URL(target, 'http://upstream.invalid').pathname;
  } catch {
    return null;
  }
  return decodeSegments(pathname);
}

export function servletPath(target: string): string | null {
  const stripped = cutQuery(target)
    .replace(/\\/g, '/')
    .split('/')
    .map((segment) => segment.split(';')[0]!)
    .join('/');
  const decoded = decodeSegments(stripped);
  if (decoded === null) return null;
  const merged = decoded.replace(/\\/g, '/').replace(/\/{2,}/g, '/');
  // Java's equalsIgnoreCase compares toUpperCase, then toLowerCase, of each character: "ſ" and "ı"
  // become "s" and "i", the Kelvin sign "k".
  return [...resolveDots(merged)].map((ch) => ch.toUpperCase().toLowerCase()).join('');
}

const OVERRIDES = ['x-http-method-override', 'x-method-override', 'x-http-method'];

/** The methods a request is handled as: its own and any a method-override header names. */
export function effectiveMethods(method: string, headers: IncomingHttpHeaders): string[] {
  const methods = [method.toUpperCase()];
  for (const name of OVERRIDES) {
    const value = headers[name];
    if (typeof value === 'string') methods.push(...value.split(',').map((m) => m.trim().toUpperCase()));
  }
  return methods;
}

export interface RecordingUpstream {
  server: Server;
  port: number;
  received: UpstreamRequest[];
  close(): Promise<void>;
}

/** The upstream: answers 200 with what it received, and keeps every request it was handed. */
export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const received: UpstreamRequest[] = [];
  // A lenient parser, like many servers in production: the proxy decides what reaches it.
  const server = createServer({ insecureHTTPParser: true }, (request, response) => {
    const target = request.url ?? '';
    received.push({
      method: request.method ?? '',
      target,
      headers: request.headers,
      paths: { express: expressPath(target), whatwg: whatwgPath(target), servlet: servletPath(target) },
    });
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"from":"upstream"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : 0,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Sends a request with its target exactly as given (fetch and node:http would normalise or refuse
 * it) and resolves with the status line's code (0 if none) once the connection has closed.
 */
export function rawRequest(port: number, method: string, target: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', 'Content-Length: 0'];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      // A proxy may drop a request line it cannot parse without answering: 0, "no answer".
      resolve(match ? Number(match[1]) : 0);
    });
    socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  });
}
