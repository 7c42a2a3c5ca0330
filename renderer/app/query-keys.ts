// Every server-derived query is keyed by the active profile first, so switching profiles never
// shows one backend's data under another's name.
export const qk = {
  session: ['session'] as const,
  profiles: ['profiles'] as const,
  appInfo: ['app-info'] as const,
  localServer: ['local-server'] as const,
  catalog: (p: string | null) => [p, 'catalog'] as const,
  roles: (p: string | null) => [p, 'roles'] as const,
  roleUsage: (p: string | null) => [p, 'role-usage'] as const,
  credentials: (p: string | null, q: object) => [p, 'credentials', q] as const,
  credentialsAll: (p: string | null) => [p, 'credentials'] as const,
  users: (p: string | null) => [p, 'users'] as const,
  groups: (p: string | null) => [p, 'groups'] as const,
  policy: (p: string | null) => [p, 'policy'] as const,
  backends: (p: string | null) => [p, 'backends'] as const,
  drafts: (p: string | null) => [p, 'drafts'] as const,
  hygiene: (p: string | null) => [p, 'hygiene'] as const,
  audit: (p: string | null, q: object) => [p, 'audit', q] as const,
  lifetime: (p: string | null) => [p, 'lifetime'] as const,
  usage: (p: string | null, q: object) => [p, 'usage', q] as const,
  webhooks: (p: string | null) => [p, 'webhooks'] as const,
  deliveries: (p: string | null, id: string) => [p, 'webhooks', id, 'deliveries'] as const,
};
