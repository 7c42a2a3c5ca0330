import { createHash, X509Certificate } from 'node:crypto';
import http from 'node:http';
import tls from 'node:tls';
import type { OperationId, ResponseOf } from '../../shared/api/endpoints.ts';
import { ERROR_STATUS, isApiErrorBody, type ErrorCode } from '../../shared/api/errors.ts';
import type { CertificateInfo } from '../../shared/ipc/types.ts';
import { KeywardError } from './errors.ts';
import { parseProfileUrl, requestUrl, type ProfileUrl } from './profile-url.ts';
import { prepareRequest, type CallArgs, type RestCaller } from './rest-client.ts';

// Authenticated REST calls to a Keyward backend. HTTPS is required except to loopback or with
// the profile's explicit opt-in. For HTTPS we open the TLS connection ourselves, compare the
// certificate's SHA-256 fingerprint with the pinned one, and only then hand the socket to
// node:http — so the token is never written to a connection whose certificate was not checked.
// With a pin, the pin is the identity check (it also covers self-signed certificates).
// `call` is the typed entry (rest-client.ts: operation, params, query, body, If-Match);
// `request` is the transport under it: headers, the If-Match header, retries of idempotent
// requests and the decoding of error answers all happen here and nowhere else.

export interface ClientTarget {
  url: string;
  allowInsecureHttp: boolean;
  /** The pinned fingerprint; null means "fetch and report only, send no token". */
  fingerprint: string | null;
}

export interface RequestOptions {
  query?: Readonly<Record<string, string | number | boolean | undefined>> | undefined;
  body?: unknown;
  ifMatch?: number | undefined;
  timeoutMs?: number;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
const RETRY_DELAYS_MS = [200, 600];

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Parses the profile URL (origin + base path, see profile-url.ts) and refuses plain HTTP to
 * anything but loopback unless the profile opted in. The rule is applied to the origin's host,
 * which is the only host requests built with `requestUrl` can reach.
 */
export function assertTransportAllowed(target: Pick<ClientTarget, 'url' | 'allowInsecureHttp'>): ProfileUrl {
  const url = parseProfileUrl(target.url);
  if (url.protocol === 'https:') return url;
  if (!isLoopbackHost(url.hostname) && !target.allowInsecureHttp) {
    throw new KeywardError(
      'insecure_url',
      `Plain http:// to ${url.hostname} would send the admin token unencrypted. Use https://, or tick "allow insecure HTTP" for this profile if the network is trusted.`,
      { host: url.hostname },
    );
  }
  return url;
}

export function fingerprintOf(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

function certificateInfo(socket: tls.TLSSocket): CertificateInfo {
  const raw = socket.getPeerX509Certificate?.() ?? new X509Certificate(socket.getPeerCertificate().raw);
  return { fingerprint: fingerprintOf(raw.raw), subject: raw.subject, issuer: raw.issuer, validFrom: raw.validFrom, validTo: raw.validTo };
}

/** Opens a TLS connection and reports the server's certificate (no HTTP request is sent). */
export function fetchCertificate(urlString: string, timeoutMs = 10_000): Promise<CertificateInfo> {
  const url = parseProfileUrl(urlString);
  return openTls(url, timeoutMs).then(({ socket, certificate }) => {
    socket.destroy();
    return certificate;
  });
}

function openTls(
  url: Pick<ProfileUrl, 'hostname' | 'port'>,
  timeoutMs: number,
): Promise<{ socket: tls.TLSSocket; certificate: CertificateInfo }> {
  return new Promise((resolve, reject) => {
    const host = url.hostname;
    const socket = tls.connect({
      host,
      port: url.port,
      servername: !/^[\d.:]+$/.test(host) ? host : undefined,
      // Identity is established by the pinned fingerprint (checked below), not by a CA chain,
      // so self-signed certificates of internal servers work once the admin confirmed them.
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      resolve({ socket, certificate: certificateInfo(socket) });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export class BackendClient implements RestCaller {
  readonly #target: ClientTarget;
  readonly #token: string | null;
  readonly #defaultTimeoutMs: number;

  constructor(target: ClientTarget, token: string | null, options: { timeoutMs?: number } = {}) {
    this.#target = target;
    this.#token = token;
    this.#defaultTimeoutMs = options.timeoutMs ?? 15_000;
  }

  /** One operation of the endpoint table, answered with its response schema's type. */
  async call<Op extends OperationId>(operationId: Op, ...args: CallArgs<Op>): Promise<ResponseOf<Op>> {
    const { method, path, query, body, ifMatch } = prepareRequest(operationId, ...args);
    // The server validates against the same table and test/integration/server/response-schemas
    // checks its answers against the response schemas: the answer is that type.
    return (await this.request(method, path, { query, body, ifMatch })) as ResponseOf<Op>;
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    const attempts = IDEMPOTENT.has(method) ? RETRY_DELAYS_MS.length + 1 : 1;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt - 1]));
      try {
        return await this.#once(method, path, options);
      } catch (error) {
        lastError = error;
        if (!(error instanceof KeywardError) || !error.details?.['retryable']) break;
      }
    }
    throw stripRetryable(lastError);
  }

  async #once(method: string, path: string, options: RequestOptions): Promise<unknown> {
    const base = assertTransportAllowed(this.#target);
    const url = requestUrl(base, path);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const timeoutMs = options.timeoutMs ?? this.#defaultTimeoutMs;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers['authorization'] = `Bearer ${this.#token}`;
    if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }

    let socket: tls.TLSSocket | undefined;
    if (url.protocol === 'https:') {
      if (!this.#target.fingerprint) {
        throw new KeywardError(
          'certificate_unconfirmed',
          "This server's certificate has not been confirmed yet. Test the connection and confirm its fingerprint first.",
        );
      }
      try {
        ({ socket } = await (async () => {
          const opened = await openTls(base, timeoutMs);
          if (opened.certificate.fingerprint !== this.#target.fingerprint) {
            opened.socket.destroy();
            throw new KeywardError(
              'certificate_changed',
              `The server at ${url.host} presented a different certificate than the one pinned for this profile. Keyward did not send the token. If the certificate was renewed on purpose, verify the new fingerprint with the server's operator and confirm it in the profile.`,
              { expected: this.#target.fingerprint, actual: opened.certificate.fingerprint, certificate: opened.certificate },
            );
          }
          return opened;
        })());
      } catch (error) {
        throw networkError(error, url);
      }
    }

    return new Promise<unknown>((resolve, reject) => {
      // HTTP over the already verified TLS socket, so no second (unchecked) handshake happens.
      const req = http.request(
        {
          protocol: 'http:',
          // Connect to the profile's origin only; the path cannot change where the bytes go.
          host: base.hostname,
          port: base.port,
          path: url.pathname + url.search,
          method,
          headers: { host: base.host, ...headers },
          timeout: timeoutMs,
          ...(socket ? { createConnection: () => socket } : { agent: false }),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(networkError(e, url)));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            if (status >= 200 && status < 300) return resolve(json);
            reject(httpError(status, json, res.headers['retry-after']));
          });
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (e) => reject(networkError(e, url)));
      req.end(payload);
    });
  }
}

function stripRetryable(error: unknown): unknown {
  if (error instanceof KeywardError && error.details?.['retryable']) {
    const { retryable: _r, ...details } = error.details;
    return new KeywardError(error.code, error.message, Object.keys(details).length ? details : undefined);
  }
  return error;
}

/** A server answer other than 2xx as an actionable error (the server's own sentence where it gave one). */
export function httpError(status: number, body: unknown, retryAfter?: string | string[]): KeywardError {
  const retryable = status === 502 || status === 503 || status === 504;
  if (isApiErrorBody(body)) {
    const { code, message, details } = body.error;
    if (status === 401) {
      return new KeywardError(
        'unauthorized',
        "The server did not accept this profile's admin token (it may have been revoked, rolled or expired). Edit the profile and enter a valid token.",
        { status },
      );
    }
    if (status === 403 && code === 'forbidden') {
      return new KeywardError('forbidden', `${message} Ask an administrator for a role that grants it.`, { status, ...(details ?? {}) });
    }
    if (status === 429) {
      return new KeywardError(
        'too_many_requests',
        "Too many failed sign-ins from this computer; the server blocks it for up to a minute. Check the profile's token, then try again.",
        { status, retryAfter },
      );
    }
    if (!isErrorCode(code)) {
      // A code this app does not know (a newer server): the server's sentence under a generic code.
      const serverCode = code.slice(0, 100);
      return new KeywardError('bad_response', `The server refused the request (HTTP ${status}, ${serverCode}): ${message}`, {
        status,
        serverCode,
        ...(retryable ? { retryable } : {}),
      });
    }
    return new KeywardError(code, message, { ...(details ?? {}), status, ...(retryable ? { retryable } : {}) });
  }
  if (retryable)
    return new KeywardError(
      'unavailable',
      `The server answered ${status}: it (or a proxy in front of it) is unavailable. Try again shortly.`,
      { status, retryable },
    );
  return new KeywardError(
    'bad_response',
    `The server answered HTTP ${status} without a Keyward error. Is the profile's URL the Keyward backend?`,
    { status },
  );
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_STATUS, code);
}

/** Connection-level failures as errors that say what to check. */
export function networkError(error: unknown, url: { host: string; hostname: string }): KeywardError {
  if (error instanceof KeywardError) return error;
  const code = (error as NodeJS.ErrnoException)?.code ?? '';
  const host = url.host;
  const retryable = { retryable: true, host };
  if (code === 'ETIMEDOUT')
    return new KeywardError('timeout', `${host} did not answer in time. Check the network or VPN, then try again.`, retryable);
  if (code === 'ECONNREFUSED')
    return new KeywardError('offline', `Nothing is listening at ${host}. Is the Keyward server running?`, retryable);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new KeywardError('offline', `The host name ${url.hostname} could not be resolved. Check the URL or your network.`, retryable);
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ENETUNREACH' || code === 'EHOSTUNREACH') {
    return new KeywardError('offline', `The connection to ${host} was lost (${code}). Check the network, then try again.`, retryable);
  }
  if (/SSL|TLS|CERT|EPROTO/i.test(code))
    return new KeywardError('tls_error', `A secure connection to ${host} could not be set up (${code}). Is this an https:// server?`, {
      host,
    });
  return new KeywardError('offline', `${host} could not be reached (${code || 'network error'}).`, retryable);
}
