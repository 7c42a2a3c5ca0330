import type { KeywardApi } from '../../../shared/ipc/contract.ts';
import type { ApiContext } from './context.ts';

// audit.*: the server's audit log, a page at a time.

export function auditApi({ session }: ApiContext): KeywardApi['audit'] {
  return { list: (query) => session.call('listAudit', { query }) };
}
