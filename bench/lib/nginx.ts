import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// One nginx process (no master, one worker, pinned with the servers to SERVER_CPU) with four
// listeners: a trivial upstream that answers 200 itself, the same proxy in front of it without
// auth_request, with auth_request to Keyward, and with auth_request plus a 1-second proxy_cache
// of Keyward's answers. Stops by itself after `lifetimeSec` (coreutils timeout).

export interface BenchNginx {
  plain: string;
  auth: string;
  cached: string;
  upstream: string;
  pid: number;
  config: string;
  /** nginx's CPU time so far (user + system, µs), from /proc. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

/** The auth_request part, as docs/operations.md recommends it; `cache` adds the short answer cache. */
function authLocations(name: string, cache: boolean): string {
  return `
    location /api/ {
      auth_request /_keyward_${name};
      auth_request_set $keyward_roles $upstream_http_x_api_roles;
      auth_request_set $keyward_credential $upstream_http_x_credential_id;
      proxy_set_header X-Api-Roles $keyward_roles;
      proxy_set_header X-Credential-Id $keyward_credential;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass http://api_backend;
    }
    location = /_keyward_${name} {
      internal;
      proxy_pass http://keyward/v1/forward-auth;
      # auth_request reads only the answer's headers: nginx keeps the connection to Keyward
      # open only when no body follows them, so ask with HEAD (the original method travels in
      # X-Original-Method). With GET every check costs a new TCP connection.
      proxy_method HEAD;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_http_version 1.1;
      proxy_set_header Connection "";${
        cache
          ? `
      # At most 1 s: a revoked or edited credential keeps its old answer that long.
      proxy_cache keyward_auth;
      proxy_cache_key "$http_authorization|$http_x_api_key|$request_method|$request_uri";
      proxy_cache_valid 200 401 403 1s;
      proxy_ignore_headers Cache-Control Expires Set-Cookie;
      proxy_cache_lock on;`
          : ''
      }
    }`;
}

export function benchNginxConfig(
  dir: string,
  ports: { plain: number; auth: number; cached: number; upstream: number; keyward: number },
): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }

http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  # The cache files hold the cache key, i.e. the Authorization header: keep them on tmpfs
  # readable by nginx only (here: the benchmark's private temp folder).
  proxy_cache_path ${dir}/auth-cache levels=1 keys_zone=keyward_auth:1m max_size=16m inactive=2s;

  upstream keyward {
    server 127.0.0.1:${ports.keyward};
    keepalive 64;
  }
  upstream api_backend {
    server 127.0.0.1:${ports.upstream};
    keepalive 64;
  }

  server {
    listen 127.0.0.1:${ports.upstream};
    location / {
      add_header X-Seen-Roles $http_x_api_roles;
      return 200 '{"ok":true}';
    }
  }
  server {
    listen 127.0.0.1:${ports.plain};
    location /api/ {
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass http://api_backend;
    }
  }
  server {
    listen 127.0.0.1:${ports.auth};${authLocations('auth', false)}
  }
  server {
    listen 127.0.0.1:${ports.cached};${authLocations('cached', true)}
  }
}
`;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** CPU time of a process from /proc/<pid>/stat (utime + stime, clock ticks of 10 ms). */
export function procCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

export async function startBenchNginx(keywardPort: number, cpus: string, lifetimeSec: number): Promise<BenchNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-nginx-'));
  chmodSync(dir, 0o755);
  const ports = {
    plain: await freePort(),
    auth: await freePort(),
    cached: await freePort(),
    upstream: await freePort(),
    keyward: keywardPort,
  };
  const config = benchNginxConfig(dir, ports);
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, config);
  // timeout runs nginx as its child: nginx's pid is what /proc is read for.
  const child = spawn(
    'taskset',
    ['-c', cpus, 'timeout', '-k', '5', String(lifetimeSec), 'nginx', '-e', join(dir, 'error.log'), '-p', `${dir}/`, '-c', file],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = async () => {
    if (!exited(child)) {
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await accepts(ports.cached))) {
    if (exited(child) || Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not start: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const pid = Number(readFileSync(join(dir, 'nginx.pid'), 'utf8').trim());
  const url = (port: number) => `http://127.0.0.1:${port}`;
  return {
    plain: url(ports.plain),
    auth: url(ports.auth),
    cached: url(ports.cached),
    upstream: url(ports.upstream),
    pid,
    config,
    cpuMicros: () => Promise.resolve(procCpuMicros(pid)),
    stop,
  };
}
