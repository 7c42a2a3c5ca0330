// Every way out of the process that it can see runs the same cleanup (clearing a copied secret
// from the clipboard, stopping the local server): SIGINT, SIGTERM, SIGHUP, an uncaught exception
// or rejection run the asynchronous shutdown; a bare process.exit still gets the synchronous one.
// SIGKILL cannot be seen; the next start covers it (OneTimeSecrets.clearLeftover).

export interface ExitGuardOptions {
  shutdown: () => Promise<void>;
  shutdownSync: () => void;
  /** Where a fatal error's type goes (never its message, which may quote data). */
  report?: (line: string) => void;
}

export function installExitGuard(options: ExitGuardOptions): { stop(code: number): Promise<void> } {
  let stopping: Promise<void> | null = null;
  const stop = (code: number) => {
    stopping ??= options
      .shutdown()
      .catch(() => undefined)
      .then(() => process.exit(code));
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
  const fatal = (error: unknown) => {
    options.report?.(`Keyward stopped after an unexpected ${error instanceof Error ? error.name : typeof error}.`);
    void stop(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  process.on('exit', () => {
    try {
      options.shutdownSync();
    } catch {
      // Nothing more can be done while exiting.
    }
  });
  return { stop };
}
