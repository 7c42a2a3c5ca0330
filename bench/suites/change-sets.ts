import { setTimeout as sleep } from 'node:timers/promises';
import { makeCatalog, startKeyward, type StartOptions } from '../lib/keyward.ts';
import { freshPostgresDatabase } from '../lib/postgres.ts';
import { median } from '../lib/report.ts';
import type { Recorder } from '../lib/report.ts';
import { serverTimes } from '../lib/server-log.ts';
import type { Suite, SuiteContext } from './suite.ts';

// POST /v1/roles/changes with many creates in one transaction (the desktop app's "apply plan"),
// against the same request with 10 creates. Each role holds 50 actions of a 5,000-action catalog.
// Measured on SQLite (the default) and on PostgreSQL (a throwaway local cluster; skipped with
// the reason when PostgreSQL is not installed).

const ACTIONS_PER_ROLE = 50;

export const changeSets: Suite = {
  name: 'change-sets',
  description: 'POST /v1/roles/changes: 1,000 role creates in one transaction vs 10, on SQLite and PostgreSQL',
  async run(ctx: SuiteContext, record: Recorder): Promise<void> {
    await measureOn(ctx, record, 'SQLite', {});
    const database = await freshPostgresDatabase();
    if (typeof database === 'string') {
      record.skip('PostgreSQL: 1,000 creates in one change set', database);
      ctx.log(`  PostgreSQL skipped: ${database}`);
      return;
    }
    try {
      await measureOn(ctx, record, 'PostgreSQL', { databaseUrl: database.databaseUrl });
    } finally {
      await database.drop();
    }
  },
};

async function measureOn(ctx: SuiteContext, record: Recorder, dialect: string, options: StartOptions): Promise<void> {
  const keyward = await startKeyward({ ...options, cpuProfDir: ctx.cpuProfDir });
  try {
    const catalog = makeCatalog(5000);
    await keyward.api.request('PUT', '/v1/catalog', catalog);
    const ids = catalog.groups.flatMap((g) => g.actions.map((a) => a.id));
    if (ctx.cpuProfDir) await keyward.restart();
    let batch = 0;
    const apply = async (count: number): Promise<number> => {
      batch += 1;
      const changes = Array.from({ length: count }, (_, i) => {
        const offset = (batch * 997 + i * 53) % (ids.length - ACTIONS_PER_ROLE);
        return {
          op: 'create',
          role: {
            name: `set-${batch}-role-${i}`,
            description: `Role ${i} of change set ${batch}`,
            actions: ids.slice(offset, offset + ACTIONS_PER_ROLE),
          },
        };
      });
      const start = performance.now();
      const result = await keyward.api.request<{ items: unknown[] }>('POST', '/v1/roles/changes', { changes });
      const elapsed = performance.now() - start;
      if (result.items.length !== count) throw new Error(`Expected ${count} roles back, got ${result.items.length}.`);
      return elapsed;
    };
    for (let i = 0; i < 3; i += 1) await apply(10); // warm up
    await apply(100);
    const smallRuns = ctx.quick ? 5 : 15;
    const largeRuns = ctx.quick ? 2 : 5;
    const small: number[] = [];
    const large: number[] = [];
    const order: ('small' | 'large')[] = [];
    const run = async (size: 'small' | 'large') => {
      (size === 'small' ? small : large).push(await apply(size === 'small' ? 10 : 1000));
      order.push(size);
    };
    // Interleaved so both sizes see the same database growth.
    for (let i = 0; i < Math.max(smallRuns, largeRuns); i += 1) {
      if (i < smallRuns) await run('small');
      if (i < largeRuns) await run('large');
      if (i < smallRuns) await run('small');
    }
    const tSmall = median(small);
    const tLarge = median(large);
    const spread = `runs ${Math.min(...large).toFixed(0)}–${Math.max(...large).toFixed(0)} ms`;
    record.add({
      name: `${dialect}: 1,000 creates in one change set (client time)`,
      value: tLarge,
      unit: 'ms',
      baseline: { name: '10 creates', value: tSmall },
      target: { text: '< 500 ms', met: tLarge < 500 },
      note: spread,
    });
    record.add({
      name: `${dialect}: per role, 1,000-set vs 10-set`,
      value: tLarge / 1000,
      unit: 'ms/role',
      baseline: { name: '10-set per role', value: tSmall / 10 },
    });
    // The log holds every change-set request; the measured ones are the last, in `order`.
    await sleep(300); // let the server's log stream flush
    const server = serverTimes(keyward.logFile, 'POST /v1/roles/changes').slice(-order.length);
    if (server.length === order.length) {
      const serverLarge = median(server.filter((_, i) => order[i] === 'large'));
      const serverSmall = median(server.filter((_, i) => order[i] === 'small'));
      record.add({
        name: `${dialect}: 1,000 creates in one change set (server time)`,
        value: serverLarge,
        unit: 'ms',
        baseline: { name: '10 creates', value: serverSmall },
        target: { text: '< 500 ms', met: serverLarge < 500 },
      });
    } else {
      record.skip(`${dialect}: 1,000 creates in one change set (server time)`, 'the server log held no request times');
    }
    ctx.log(
      `  ${dialect} change sets: 10 → ${small.map((t) => t.toFixed(1)).join(', ')} ms; 1000 → ${large.map((t) => t.toFixed(0)).join(', ')} ms`,
    );
  } finally {
    await keyward.dispose();
  }
}
