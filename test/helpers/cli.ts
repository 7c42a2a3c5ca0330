import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Runs the server CLI (`node server/cli.ts …`) as a child process, the way an operator does,
// and reads the listening URL from its standard output.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../server/cli.ts', import.meta.url));

export interface CliServer {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote so far. */
  stdout(): string;
  stderr(): string;
  /** The first match of `pattern` in stdout, as soon as it is written; rejects if the process's output ends first or after `timeoutMs`. */
  untilStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** Sends the signal and waits for the end. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export async function spawnCli(args: string[], timeoutMs = 30_000): Promise<CliServer> {
  const child = spawn(process.execPath, [CLI, '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let closed = false;
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  child.once('close', () => (closed = true));
  const untilStdout = (pattern: RegExp, timeoutMs = 10_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(out);
        if (match) {
          done();
          resolve(match);
        } else if (closed) {
          done();
          reject(new Error(`the CLI's output ended without ${pattern}.\nstdout: ${out}\nstderr: ${err.slice(-2000)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${pattern} did not appear on stdout within ${timeoutMs} ms.\nstdout: ${out}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.off('close', check);
      };
      // Registered after the listener that appends to `out`, so each check sees the new chunk.
      child.stdout!.on('data', check);
      child.once('close', check);
      check();
    });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not report a listening URL within ${timeoutMs} ms.\nstdout: ${out}\nstderr: ${err.slice(-2000)}`));
    }, timeoutMs);
    const check = () => {
      const match = /listening on (https?:\/\/\S+)/i.exec(out);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(match[1]!.replace(/\/$/, ''));
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the CLI exited (${code}) before listening.\nstdout: ${out}\nstderr: ${err.slice(-2000)}`));
    });
  });
  return {
    child,
    url,
    stdout: () => out,
    stderr: () => err,
    untilStdout,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
