import { createHmac, randomBytes } from 'node:crypto';
import { authorizeAction, authorizeRoute, type BackendView, type CredentialView, type RoleView } from '../../shared/domain/authorize.ts';
import { generateToken, hasValidChecksum, TOKEN_PATTERN } from '../../shared/domain/token.ts';
import { SecretHasher } from '../../server/authz/hasher.ts';
import type { Recorder } from '../lib/report.ts';
import type { Suite, SuiteContext } from './suite.ts';

// The decision logic and token verification on one core, without HTTP. Baselines measured in
// the same loop harness: one Set.has per iteration for decisions (the least a decision can do),
// a bare HMAC-SHA-256 for token verification (the least a keyed-hash lookup can do).

let sink = 0;

/**
 * Operations per CPU-second of fn ("per second on one core"), run in batches until `seconds` of
 * wall time have passed. CPU time, not wall time: other processes on the machine then cost this
 * figure little, since time spent descheduled is not counted.
 */
function opsPerSecond(fn: (i: number) => number, seconds: number): number {
  const batch = 10_000;
  for (let i = 0; i < batch * 5; i += 1) sink += fn(i); // warm up (JIT)
  let ops = 0;
  const cpuStart = process.cpuUsage();
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < batch; i += 1) sink += fn(ops + i);
    ops += batch;
  }
  const cpu = process.cpuUsage(cpuStart);
  return ops / ((cpu.user + cpu.system) / 1e6);
}

function fixture() {
  const actionIds = Array.from(
    { length: 5000 },
    (_, i) => `g${String(Math.floor(i / 100)).padStart(3, '0')}.action${String(i % 100).padStart(3, '0')}`,
  );
  const roles: RoleView[] = Array.from({ length: 20 }, (_, r) => ({
    id: `role-${r}`,
    name: `Role ${r}`,
    actions: new Set(actionIds.slice(r * 250, (r + 1) * 250)),
  }));
  const credentials: CredentialView[] = Array.from({ length: 1000 }, (_, i) => ({
    id: `cred-${i}`,
    status: 'active',
    expiresAtMs: i % 2 === 0 ? null : Date.now() + 86_400_000,
    cidrs: null,
    // Three roles; the asked action sits in the last one, so every role is looked at.
    roles: [roles[1 + (i % 18)]!, roles[19]!, roles[0]!],
  }));
  const backends: BackendView[] = Array.from({ length: 20 }, (_, b) => ({
    id: `backend-${b}`,
    name: `Backend ${b}`,
    frontendPrefix: `/api${b}`,
    requiredRoleIds: ['role-0'],
    subSettings: [
      { method: 'DELETE', regex: new RegExp(`^/api${b}/admin/.*$`), requiredRoleIds: ['role-1'], override: false },
      { method: 'ANY', regex: new RegExp(`^/api${b}/public/`), requiredRoleIds: [], override: true },
    ],
  }));
  return { actionIds, roles, credentials, backends, lookupSet: roles[0]!.actions };
}

export const inProcess: Suite = {
  name: 'in-process',
  description: 'decisions and token verifications per CPU-second on one core (shared/domain/authorize.ts, HMAC + Map)',
  async run(ctx: SuiteContext, record: Recorder): Promise<void> {
    const seconds = ctx.quick ? 0.5 : 2;
    const { actionIds, credentials, backends, lookupSet } = fixture();
    const action = actionIds[10]!; // in role 0
    const now = Date.now();
    const context = { nowMs: now };
    const roleName = (id: string) => id;

    const setBaseline = opsPerSecond((i) => (lookupSet.has(actionIds[i % 250]!) ? 1 : 0), seconds);
    const actionDecisions = opsPerSecond((i) => (authorizeAction(credentials[i % 1000]!, action, context).allowed ? 1 : 0), seconds);
    const routeDecisions = opsPerSecond(
      (i) => (authorizeRoute(credentials[i % 1000]!, 'GET', `/api${i % 20}/clients/42?x=1`, backends, roleName, context).allowed ? 1 : 0),
      seconds,
    );
    const base = { name: 'Set.has loop', value: setBaseline };
    record.add({
      name: 'action decisions (authorizeAction)',
      value: actionDecisions,
      unit: '/cpu-s',
      baseline: base,
      target: { text: '≥ 1,000,000 /s', met: actionDecisions >= 1_000_000 },
    });
    record.add({
      name: 'route decisions (authorizeRoute, 20 backends)',
      value: routeDecisions,
      unit: '/cpu-s',
      baseline: base,
      target: { text: '≥ 1,000,000 /s', met: routeDecisions >= 1_000_000 },
    });

    // Token verification as the server's hot path does it: checksum, HMAC-SHA-256, Map lookup.
    const key = randomBytes(32);
    const hasher = new SecretHasher(key);
    const tokens = Array.from({ length: 10_000 }, () => generateToken());
    const byHash = new Map(tokens.map((t, i) => [hasher.hash(t), credentials[i % 1000]!]));
    const hmacBaseline = opsPerSecond(
      (i) =>
        createHmac('sha256', key)
          .update(tokens[i % 10_000]!, 'utf8')
          .digest('hex').length,
      seconds,
    );
    const verifications = opsPerSecond((i) => {
      const token = tokens[i % 10_000]!;
      if (TOKEN_PATTERN.test(token) && !hasValidChecksum(token)) return 0;
      return byHash.get(hasher.hash(token)) ? 1 : 0;
    }, seconds);
    const fullPath = opsPerSecond((i) => {
      const view = byHash.get(hasher.hash(tokens[i % 10_000]!)) ?? null;
      return authorizeAction(view, action, context).allowed ? 1 : 0;
    }, seconds);
    record.add({
      name: 'token verifications (checksum + HMAC + Map, 10,000 tokens)',
      value: verifications,
      unit: '/cpu-s',
      baseline: { name: 'bare HMAC-SHA-256', value: hmacBaseline },
    });
    record.add({
      name: 'token verification + action decision',
      value: fullPath,
      unit: '/cpu-s',
      baseline: { name: 'bare HMAC-SHA-256', value: hmacBaseline },
    });
    if (sink === -1) ctx.log('unreachable');
  },
};
