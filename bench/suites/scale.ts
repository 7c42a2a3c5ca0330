import { createHmac } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { displayPrefix, generateToken } from '../../shared/domain/token.ts';
import { newId } from '../../server/storage/rows.ts';
import { startChild } from '../lib/child.ts';
import { compareServers, enoughRounds, refuse, roundRatios, spreadText } from '../lib/compare.ts';
import { createAuthorizer, seedCatalogAndRoles, startKeyward } from '../lib/keyward.ts';
import type { Recorder } from '../lib/report.ts';
import { canPin, SERVER_CPU, type WrkRequest } from '../lib/wrk.ts';
import { requestFor } from './http-authorize.ts';
import type { Suite, SuiteContext } from './suite.ts';

// The hot path as the data grows: /v1/authorize (cache hit) against bare node:http at 1,000 to
// 1,000,000 credentials and 50 to 50,000 catalog actions, and the server's heap per credential.
// Credentials and catalog actions are written straight into the SQLite file (the server stopped)
// in one transaction: through the API a million credentials would take most of an hour.

const BARE = new URL('../servers/bare-server.ts', import.meta.url);
const ROLES = 20;
const HOT = 64;

interface Point {
  credentials: number;
  actions: number;
}

/** Adds catalog actions, spreads them over the roles, and inserts credentials; answers the first HOT secrets. */
function bulkLoad(dbPath: string, point: Point, roleIds: string[]): string[] {
  const db = new SQLite(dbPath);
  try {
    db.pragma('journal_mode = WAL');
    const key = Buffer.from((db.prepare("SELECT value FROM settings WHERE key = 'hmac_key'").get() as { value: string }).value, 'base64');
    const hot: string[] = [];
    db.transaction(() => {
      const existing = (db.prepare('SELECT COUNT(*) AS n FROM catalog_actions').get() as { n: number }).n;
      const addAction = db.prepare("INSERT INTO catalog_actions (id, group_id, description, routes, position) VALUES (?, ?, '', '[]', ?)");
      const group = (db.prepare('SELECT id FROM catalog_groups ORDER BY position LIMIT 1').get() as { id: string }).id;
      for (let i = existing; i < point.actions; i += 1) addAction.run(`zz.bulk.action${String(i).padStart(6, '0')}`, group, i);
      const actions = (db.prepare('SELECT id FROM catalog_actions ORDER BY id').all() as { id: string }[]).map((r) => r.id);
      const perRole = Math.ceil(actions.length / ROLES);
      const setActions = db.prepare('UPDATE roles SET actions = ? WHERE id = ?');
      // Role 0 keeps the action the benchmark asks about (the seeded catalog's first ones sort first).
      roleIds.forEach((id, r) => setActions.run(JSON.stringify(actions.slice(r * perRole, (r + 1) * perRole)), id));
      const addCredential = db.prepare(
        "INSERT INTO credentials (id, name, description, owner_id, status, prefix, secret_hash, previous_hash, previous_valid_until, created_at, expires_at, last_used_at, allowed_cidrs, version) VALUES (?, ?, '', NULL, 'active', ?, ?, NULL, NULL, ?, NULL, NULL, '[]', 1)",
      );
      const addLink = db.prepare('INSERT INTO credential_roles (credential_id, role_id, position) VALUES (?, ?, ?)');
      const now = new Date().toISOString();
      for (let i = 0; i < point.credentials; i += 1) {
        const secret = generateToken();
        if (hot.length < HOT) hot.push(secret);
        const id = newId('cred');
        addCredential.run(
          id,
          `scale-${String(i).padStart(7, '0')}`,
          displayPrefix(secret),
          createHmac('sha256', key).update(secret).digest('hex'),
          now,
        );
        addLink.run(id, roleIds[0], 0);
        addLink.run(id, roleIds[1 + (i % (ROLES - 1))], 1);
      }
    })();
    return hot;
  } finally {
    db.close();
  }
}

export const scale: Suite = {
  name: 'scale',
  description: '/v1/authorize hot vs bare node:http at 1,000–1,000,000 credentials and 50–50,000 actions, heap per credential (wrk)',
  async run(ctx: SuiteContext, record: Recorder): Promise<void> {
    if (!canPin()) {
      record.skip('scale', 'needs two CPUs: the server and wrk must run on different cores');
      return;
    }
    const points: Point[] = ctx.quick
      ? [
          { credentials: 1000, actions: 5000 },
          { credentials: 100_000, actions: 5000 },
          { credentials: 10_000, actions: 50 },
          { credentials: 10_000, actions: 50_000 },
        ]
      : [
          { credentials: 1000, actions: 5000 },
          { credentials: 10_000, actions: 5000 },
          { credentials: 100_000, actions: 5000 },
          { credentials: 1_000_000, actions: 5000 },
          { credentials: 10_000, actions: 50 },
          { credentials: 10_000, actions: 50_000 },
        ];
    const plan = ctx.quick ? { seconds: 2, rounds: 2, warmup: 1 } : { seconds: 3, rounds: 3, warmup: 2 };
    const bare = await startChild(BARE, {}, { cpus: SERVER_CPU });
    let smallest: { credentials: number; heapUsed: number } | null = null;
    try {
      for (const point of points) {
        const keyward = await startKeyward({ nodeFlags: ['--expose-gc'], cpus: SERVER_CPU });
        try {
          const roles = await seedCatalogAndRoles(keyward.api, 50, ROLES);
          const authorizer = await createAuthorizer(keyward.api);
          await keyward.stop();
          const loadStart = performance.now();
          const hot = bulkLoad(
            keyward.dbPath,
            point,
            roles.map((r) => r.id),
          );
          const loadSec = (performance.now() - loadStart) / 1000;
          await keyward.restart();
          const { heapUsed, rss } = await keyward.server.memory();
          const label = `${point.credentials.toLocaleString('en-US')} credentials, ${point.actions.toLocaleString('en-US')} actions`;
          ctx.log(
            `  ${label}: written in ${loadSec.toFixed(1)} s, ready in ${(keyward.server.startMs / 1000).toFixed(1)} s, heap ${(heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(rss / 2 ** 20).toFixed(0)} MiB`,
          );
          const requests: WrkRequest[] = hot.map((secret) => requestFor('authorize', secret, authorizer, roles[0]!.actions[1]!));
          const c = await compareServers({
            contenders: [
              { name: 'bare', server: bare, requests },
              { name: 'keyward', server: keyward.server, requests },
              { name: 'health', server: keyward.server, requests: [{ method: 'GET', path: '/v1/health' }] },
            ],
            connections: 50,
            seconds: plan.seconds,
            rounds: plan.rounds,
            warmupSec: plan.warmup,
            bare: 'bare',
            health: 'health',
            log: ctx.log,
            label,
          });
          const ratio = roundRatios(c, 'keyward', 'bare');
          if (!enoughRounds(c) || !ratio) refuse(record, `${label}: authorize hot throughput`, c);
          else {
            record.add({
              name: `${label}: authorize hot throughput`,
              value: c.medians.get('keyward')!.rps,
              unit: 'req/s',
              baseline: { name: 'bare', value: c.medians.get('bare')!.rps },
              ratio: ratio.median,
              note: `${spreadText(ratio)}; server CPU ${c.medians.get('keyward')!.cpuMicros.toFixed(1)} µs/req (bare ${c.medians.get('bare')!.cpuMicros.toFixed(1)})`,
            });
            record.add({
              name: `${label}: authorize hot p99, 50 conn`,
              value: c.medians.get('keyward')!.p99,
              unit: 'ms',
              baseline: { name: 'bare p99', value: c.medians.get('bare')!.p99 },
            });
          }
          record.add({
            name: `${label}: restart to ready`,
            value: keyward.server.startMs,
            unit: 'ms',
            baseline: { name: 'bare start', value: bare.startMs },
          });
          record.add({
            name: `${label}: server heap after GC`,
            value: heapUsed / 2 ** 20,
            unit: 'MiB',
            note: `rss ${(rss / 2 ** 20).toFixed(0)} MiB`,
          });
          if (point.actions === 5000) {
            if (!smallest) smallest = { credentials: point.credentials, heapUsed };
            else {
              const perCredential = (heapUsed - smallest.heapUsed) / (point.credentials - smallest.credentials);
              record.add({
                name: `heap per cached credential (${smallest.credentials.toLocaleString('en-US')} → ${point.credentials.toLocaleString('en-US')})`,
                value: perCredential,
                unit: 'bytes',
                note: 'view, two hash entries, id entry, role links',
              });
            }
          }
        } finally {
          await keyward.dispose();
        }
      }
    } finally {
      await bare.stop();
    }
  },
};
