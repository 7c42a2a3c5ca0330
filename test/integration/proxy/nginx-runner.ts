import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accepts, exited, freePort } from './process.ts';

// A real nginx for the proxy tests: its own prefix folder under the OS temp dir, loopback ports
// only, no daemon (it is our child), and a hard lifetime through coreutils `timeout`, so it stops
// by itself even if the test process is killed before it can stop it.

export interface NginxOptions {
  /** The Keyward server nginx asks at /v1/forward-auth. */
  keywardPort: number;
  /** The API backend nginx protects. */
  upstreamPort: number;
  /** Seconds after which nginx is stopped whatever happens. */
  lifetimeSec?: number;
  /** Another configuration than the documented one (same arguments as nginxConfig). */
  config?: (dir: string, listenPort: number, keywardPort: number, upstreamPort: number) => string;
}

export interface RunningNginx {
  url: string;
  port: number;
  config: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * The configuration docs/operations.md documents for nginx, with the test's ports and folder.
 * Keep the two in step: this one is the configuration the test proves.
 */
export function nginxConfig(dir: string, listenPort: number, keywardPort: number, upstreamPort: number): string {
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 128; }

http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  upstream keyward {
    server 127.0.0.1:${keywardPort};
    keepalive 16;
  }
  upstream api_backend {
    server 127.0.0.1:${upstreamPort};
  }

  server {
    listen 127.0.0.1:${listenPort};

    # Every request is first checked by Keyward; nginx passes it on only on a 2xx.
    location / {
      auth_request /_keyward_auth;
      auth_request_set $keyward_roles $upstream_http_x_api_roles;
      auth_request_set $keyward_credential $upstream_http_x_credential_id;
      # proxy_set_header replaces whatever the client sent under these names.
      proxy_set_header X-Api-Roles $keyward_roles;
      proxy_set_header X-Credential-Id $keyward_credential;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header Host $host;
      # Keyward allowed the request for the method and any override method; the API gets neither header.
      proxy_set_header X-HTTP-Method-Override "";
      proxy_set_header X-Method-Override "";
      proxy_set_header X-HTTP-Method "";
      # No URI part: the API receives the request target exactly as the client sent it ($request_uri).
      proxy_pass http://api_backend;
    }

    location = /_keyward_auth {
      internal;
      proxy_pass http://keyward/v1/forward-auth;
      # HEAD: the answer has no body, so nginx keeps the connection to Keyward (docs/operations.md).
      proxy_method HEAD;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Original-URI $request_uri;
      # nginx is the edge: the client's address is the peer's, never a header the client sent.
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

/**
 * docs/operations.md's "protect only part of a site": auth_request on `location /api/` only, an
 * open `location /public/` to the same upstream, and, with `guard`, the server-level refusal of
 * `;`, `%2f` and `%5c` in the path that the docs give for it.
 */
export function partialNginxConfig(guard: boolean) {
  return (dir: string, listenPort: number, keywardPort: number, upstreamPort: number): string => {
    const full = nginxConfig(dir, listenPort, keywardPort, upstreamPort);
    const guardLine = guard ? `    if ($request_uri ~* "^[^?]*(;|%2f|%5c)") { return 400; }\n` : '';
    return full
      .replace('    listen 127.0.0.1:' + listenPort + ';\n', (m) => `${m}${guardLine}`)
      .replace('    location / {', `    location /public/ {\n      proxy_pass http://api_backend;\n    }\n\n    location /api/ {`);
  };
}

async function launch(options: NginxOptions): Promise<RunningNginx | string> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-nginx-'));
  // nginx workers drop root privileges; they must be able to reach this folder.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const config = (options.config ?? nginxConfig)(dir, port, options.keywardPort, options.upstreamPort);
  const configFile = join(dir, 'nginx.conf');
  writeFileSync(configFile, config);
  const errorLog = () => (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');
  const lifetime = String(options.lifetimeSec ?? 120);
  const child = spawn('timeout', ['-k', '5', lifetime, 'nginx', '-e', join(dir, 'error.log'), '-p', `${dir}/`, '-c', configFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = async () => {
    if (!exited(child)) {
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM'); // timeout passes it on; nginx's master stops its worker and exits
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exited(child)) {
      const why = `${stderr}\n${errorLog()}`.trim();
      rmSync(dir, { recursive: true, force: true });
      return why || `nginx exited with code ${child.exitCode}`;
    }
    if (await accepts(port)) return { url: `http://127.0.0.1:${port}`, port, config, errorLog, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  return 'nginx did not start listening within 10 seconds';
}

/** Starts nginx in front of the upstream; retries on a port taken between probing and binding. */
export async function startNginx(options: NginxOptions): Promise<RunningNginx> {
  let last = '';
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const result = await launch(options);
    if (typeof result !== 'string') return result;
    last = result;
    if (!/Address already in use/i.test(result)) break;
  }
  throw new Error(`nginx failed to start: ${last}`);
}
