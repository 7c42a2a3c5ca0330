import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fetchElectronRuntime, findElectronBinary, type FetchResult } from './electron-binary.ts';

// npm start's decision: the Electron window when its runtime is here or can be fetched now,
// otherwise (or with --browser) the browser host, with the reason in one sentence.

export type HostChoice = { host: 'electron'; path: string; fetched: boolean } | { host: 'browser'; why: string; fix?: string };

export interface ChoiceOptions {
  /** --browser: the browser host on purpose. */
  browser: boolean;
  env?: NodeJS.ProcessEnv;
  /** The electron package folder (tests use a copy). */
  packageDir?: string | null;
  platform?: NodeJS.Platform;
  /** Told once, before a fetch starts (the launcher prints what is happening). */
  onFetch?: () => void;
  fetch?: (options: { packageDir?: string | null; env?: NodeJS.ProcessEnv }) => Promise<FetchResult>;
  /** The kernel's AppArmor user-namespace switch (Ubuntu ≥ 23.10); a file in tests. */
  userNamespaceSwitch?: string;
}

export async function chooseHost(options: ChoiceOptions): Promise<HostChoice> {
  if (options.browser) return { host: 'browser', why: 'you asked for it (--browser)' };
  const env = options.env ?? process.env;
  let binary = findElectronBinary(env, options.packageDir);
  let fetched = false;
  if (!('path' in binary)) {
    options.onFetch?.();
    const result = await (options.fetch ?? fetchElectronRuntime)({ packageDir: options.packageDir, env });
    if (!result.ok) return { host: 'browser', why: `the Electron runtime could not be fetched (${result.reason})` };
    binary = { path: result.path };
    fetched = true;
  }
  const sandbox = devSandboxProblem(binary.path, options.platform ?? process.platform, options.userNamespaceSwitch);
  if (sandbox) return { host: 'browser', why: sandbox.why, fix: sandbox.fix };
  return { host: 'electron', path: binary.path, fetched };
}

/**
 * Ubuntu ≥ 23.10 lets only programs with an AppArmor profile create user namespaces, so an
 * unpackaged Electron needs its chrome-sandbox helper setuid root, or it aborts with "The SUID
 * sandbox helper binary was found, but is not configured correctly" (electron#42510). Said before
 * starting it, with the fix; running without the sandbox is never chosen silently.
 */
export function devSandboxProblem(
  binaryPath: string,
  platform: NodeJS.Platform,
  userNamespaceSwitch = '/proc/sys/kernel/apparmor_restrict_unprivileged_userns',
): { why: string; fix: string } | null {
  if (platform !== 'linux' || !existsSync(userNamespaceSwitch)) return null;
  if (readFileSync(userNamespaceSwitch, 'utf8').trim() !== '1') return null;
  const helper = join(dirname(binaryPath), 'chrome-sandbox');
  if (!existsSync(helper)) return null;
  const stat = statSync(helper);
  if (stat.uid === 0 && (stat.mode & 0o4000) !== 0) return null;
  return {
    why: `Electron's sandbox cannot start from this checkout: this system lets only programs with an AppArmor profile create user namespaces (Ubuntu 23.10 and later), and ${helper} is not setuid root`,
    fix: `Fix it once (then npm start opens the window):\n  sudo chown root:root ${helper} && sudo chmod 4755 ${helper}`,
  };
}
