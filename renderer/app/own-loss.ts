import type { Credential, Role } from '../../shared/domain/types.ts';

// DESIGN §3.11 "never lock the door from inside": the console knows which credential its own
// token is (session.credentialId) and, before a change, what that token would lose.

/** A change as it would touch the connected token. */
export type OwnChange =
  | { kind: 'delete-role'; roleId: string }
  | { kind: 'edit-role'; roleId: string; actions: readonly string[] }
  | { kind: 're-role'; credentialId: string; roles: readonly string[] }
  /** Revoke, disable, roll without grace, invalidate its owner's tokens: the token stops working. */
  | { kind: 'stop'; credentialId: string };

export interface OwnLoss {
  /** Every action lost ('all' when the token stops working). */
  lost: string[] | 'all';
  /** The lost keyward.* actions: the ones that lock the console out. */
  admin: string[];
}

const permitted = (roleIds: readonly string[], roles: readonly Role[], swap?: { roleId: string; actions: readonly string[] | null }) => {
  const out = new Set<string>();
  for (const id of roleIds) {
    if (swap && id === swap.roleId) {
      for (const a of swap.actions ?? []) out.add(a);
      continue;
    }
    for (const a of roles.find((r) => r.id === id)?.actions ?? []) out.add(a);
  }
  return out;
};

/** What the connected credential loses by `change`; null when it loses nothing (or is unknown). */
export function ownLoss(own: Credential | null, roles: readonly Role[], change: OwnChange): OwnLoss | null {
  if (!own || own.status === 'revoked') return null;
  const before = permitted(own.roles, roles);
  if (change.kind === 'stop') {
    if (change.credentialId !== own.id) return null;
    return { lost: 'all', admin: [...before].filter((a) => a.startsWith('keyward.')).sort() };
  }
  let after: Set<string>;
  if (change.kind === 're-role') {
    if (change.credentialId !== own.id) return null;
    after = permitted(change.roles, roles);
  } else {
    if (!own.roles.includes(change.roleId)) return null;
    after = permitted(own.roles, roles, { roleId: change.roleId, actions: change.kind === 'edit-role' ? change.actions : null });
  }
  const lost = [...before].filter((a) => !after.has(a)).sort();
  if (lost.length === 0) return null;
  return { lost, admin: lost.filter((a) => a.startsWith('keyward.')) };
}

/** The plain sentence for the warning. */
export function lossSentence(loss: OwnLoss): string {
  if (loss.lost === 'all') {
    return 'This is the token this console is connected with: once it stops working, every screen here is refused until you connect with another token.';
  }
  const n = loss.lost.length;
  const list = (xs: string[]) => `${xs.slice(0, 6).join(', ')}${xs.length > 6 ? `, and ${xs.length - 6} more` : ''}`;
  const admin = loss.admin.length
    ? ` ${loss.admin.length} of them administration actions (${list(loss.admin)}): without them this console may no longer be able to read or change what it needs.`
    : '';
  return `The token this console is connected with loses ${n} action${n === 1 ? '' : 's'}: ${list(loss.lost)}.${admin}`;
}
