import { readFileSync } from 'node:fs';

// Server-side request times, read from the Keyward server's own log (fastify logs each request's
// responseTime, measured inside the server): what the server spent, without the client's or the
// loopback's share.

interface LogLine {
  reqId?: string;
  msg?: string;
  req?: { method?: string; url?: string };
  responseTime?: number;
}

/** responseTime (ms) of every logged request whose "METHOD url" starts with `prefix`, in log order. */
export function serverTimes(logFile: string, prefix: string): number[] {
  const urls = new Map<string, string>();
  const times: number[] = [];
  for (const text of readFileSync(logFile, 'utf8').split('\n')) {
    if (!text.startsWith('{')) continue;
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      continue;
    }
    if (!line.reqId) continue;
    if (line.req?.url) urls.set(line.reqId, `${line.req.method ?? ''} ${line.req.url}`);
    if (typeof line.responseTime === 'number') {
      const request = urls.get(line.reqId);
      urls.delete(line.reqId);
      if (request?.startsWith(prefix)) times.push(line.responseTime);
    }
  }
  return times;
}
