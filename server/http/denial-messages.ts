import type { DecisionReason } from '../../shared/domain/types.ts';

/**
 * What a caller is told for each decision reason, by forward-auth's 401/403 bodies and by the
 * token check in front of the REST API alike. Exhaustive: a new reason does not compile
 * until it has its message.
 */
export const DECISION_MESSAGES: Readonly<Record<DecisionReason, string>> = {
  granted: 'The request is allowed.',
  unknown_token: 'No valid API token was presented.',
  revoked: 'The API token has been revoked.',
  expired: 'The API token has expired.',
  disabled: 'The API token is disabled.',
  ip_not_allowed: 'The API token may not be used from this address.',
  no_roles: 'The API token holds no roles.',
  not_permitted: "The API token's roles do not include this permission.",
  missing_roles: 'The API token lacks roles this URL requires.',
  no_route: 'No API backend serves this URL.',
  stale_cache: 'This instance has lost contact with the database for too long to trust its cached permissions.',
  invalid_path: 'The URL path is refused because servers could read it as a different route.',
};
