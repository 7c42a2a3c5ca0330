import type { Credential, Role } from '../../shared/domain/types.ts';
import { useAllCredentials, useRoles } from './data.ts';
import { useSession } from './session.ts';

export { lossSentence, ownLoss, type OwnChange, type OwnLoss } from './own-loss.ts';

/** The connected token's credential, when the session knows it. */
export function useOwnCredential(): { own: Credential | null; roles: Role[] } {
  const session = useSession();
  const credentials = useAllCredentials();
  const roles = useRoles();
  const own = session.credentialId ? (credentials.data?.find((c) => c.id === session.credentialId) ?? null) : null;
  return { own, roles: roles.data ?? [] };
}
