import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accepts, exited, freePort } from './process.ts';

// A real Caddy (Debian's 2.6) with forward_auth to Keyward, run like the nginx runner: its own
// folder under the OS temp dir (also its data and config homes), loopback ports only, no admin
// endpoint, and a hard lifetime through coreutils `timeout`.

export interface CaddyOptions {
  keywardPort: number;
  upstreamPort: number;
  lifetimeSec?: number;
}

export interface RunningCaddy {
  url: string;
  port: number;
  config: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The Caddyfile docs/operations.md documents, with the test's ports and folder. Keep the two in
 * step: this one is the configuration the tests prove.
 */
export function caddyConfig(dir: string, listenPort: number, keywardPort: number, upstreamPort: number): string {
  return `{
	admin off
	auto_https off
	storage file_system ${dir}/data
}

http://127.0.0.1:${listenPort} {
	# "route" keeps these steps in the order written (Caddy would otherwise sort them).
	route {
		# The API trusts only the roles header Keyward's answer sets: drop any the client sent.
		request_header -X-Api-Roles
		request_header -X-Credential-Id
		forward_auth 127.0.0.1:${keywardPort} {
			uri /v1/forward-auth
			# Caddy sends X-Forwarded-Method and -Uri from the real request; Keyward reads
			# X-Original-* first, so the client's own must not reach it.
			header_up -X-Original-URI
			header_up -X-Original-Method
			copy_headers X-Api-Roles X-Credential-Id
		}
		# Keyward allowed the request for the method and any override method; the API gets neither header.
		request_header -X-HTTP-Method-Override
		request_header -X-Method-Override
		request_header -X-HTTP-Method
		reverse_proxy 127.0.0.1:${upstreamPort}
	}
}
`;
}

async function launch(options: CaddyOptions): Promise<RunningCaddy | string> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-caddy-'));
  const port = await freePort();
  const config = caddyConfig(dir, port, options.keywardPort, options.upstreamPort);
  const configFile = join(dir, 'Caddyfile');
  writeFileSync(configFile, config);
  const lifetime = String(options.lifetimeSec ?? 120);
  const child = spawn('timeout', ['-k', '5', lifetime, 'caddy', 'run', '--config', configFile, '--adapter', 'caddyfile'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
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
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (exited(child)) {
      rmSync(dir, { recursive: true, force: true });
      return output.trim() || `caddy exited with code ${child.exitCode}`;
    }
    if (await accepts(port)) return { url: `http://127.0.0.1:${port}`, port, config, output: () => output, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  return 'caddy did not start listening within 15 seconds';
}

/** Starts Caddy in front of the upstream; retries on a port taken between probing and binding. */
export async function startCaddy(options: CaddyOptions): Promise<RunningCaddy> {
  let last = '';
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const result = await launch(options);
    if (typeof result !== 'string') return result;
    last = result;
    if (!/address already in use/i.test(result)) break;
  }
  throw new Error(`caddy failed to start: ${last}`);
}
