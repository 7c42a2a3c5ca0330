import { useQuery } from '@tanstack/react-query';
import type { Credential } from '../../shared/domain/types.ts';
import type { KeywardApi } from '../../shared/ipc/contract.ts';
import { useApi } from './api.ts';
import { qk } from './query-keys.ts';
import { hasData, useSession } from './session.ts';

// Query hooks for the server data most screens share. Each is keyed by profile (query-keys.ts)
// and only runs while a profile is connected or offline with a cache.

function useProfileScope() {
  const session = useSession();
  return { profileId: session.profileId, enabled: hasData(session), online: session.state === 'online' };
}

export function useCatalog() {
  const api = useApi();
  const { profileId, enabled } = useProfileScope();
  return useQuery({ queryKey: qk.catalog(profileId), queryFn: () => api.catalog.get(), enabled, staleTime: 60_000 });
}

export function useRoles() {
  const api = useApi();
  const { profileId, enabled } = useProfileScope();
  return useQuery({ queryKey: qk.roles(profileId), queryFn: () => api.roles.list(), enabled });
}

export function useRoleUsage() {
  const api = useApi();
  const { profileId, enabled, online } = useProfileScope();
  return useQuery({ queryKey: qk.roleUsage(profileId), queryFn: () => api.roles.usage(), enabled: enabled && online });
}

export function useUsers() {
  const api = useApi();
  const { profileId, enabled, online } = useProfileScope();
  return useQuery({ queryKey: qk.users(profileId), queryFn: () => api.users.list(), enabled: enabled && online });
}

export function useGroups() {
  const api = useApi();
  const { profileId, enabled, online } = useProfileScope();
  return useQuery({ queryKey: qk.groups(profileId), queryFn: () => api.groups.list(), enabled: enabled && online });
}

export function usePolicy() {
  const api = useApi();
  const { profileId, enabled, online } = useProfileScope();
  return useQuery({ queryKey: qk.policy(profileId), queryFn: () => api.policy.get(), enabled: enabled && online });
}

export function useBackends() {
  const api = useApi();
  const { profileId, enabled } = useProfileScope();
  return useQuery({ queryKey: qk.backends(profileId), queryFn: () => api.backends.list(), enabled });
}

export function useDrafts() {
  const api = useApi();
  const { profileId, enabled } = useProfileScope();
  return useQuery({ queryKey: qk.drafts(profileId), queryFn: () => api.drafts.list(), enabled });
}

/** Every credential (for pickers and name lookups); the Credentials screen pages on its own. */
export function useAllCredentials() {
  const api = useApi();
  const { profileId, enabled } = useProfileScope();
  return useQuery({
    queryKey: qk.credentials(profileId, { all: true }),
    queryFn: () => listAllCredentials(api),
    enabled,
  });
}

/** Every credential, page after page (up to 20 000). */
export async function listAllCredentials(api: KeywardApi): Promise<Credential[]> {
  const items: Credential[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.credentials.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < 20_000);
  return items;
}

export { useProfileScope };
