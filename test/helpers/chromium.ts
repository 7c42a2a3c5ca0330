// The one Chromium the tests and the benchmarks drive: Debian's (Playwright's own download is not
// reachable on these machines; KEYWARD_CHROMIUM points elsewhere), with the flags a container
// needs — no user-namespace sandbox, no GPU — and nothing in the background that would add
// network traffic or work to a measurement (see docs/testing.md).

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumPath(): string {
  return process.env['KEYWARD_CHROMIUM'] ?? '/usr/bin/chromium';
}
