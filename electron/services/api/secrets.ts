import type { KeywardApi } from '../../../shared/ipc/contract.ts';
import type { ApiContext } from './context.ts';

// secrets.*: the one-time vault of issued secrets (one-time-secrets.ts), by handle.

export function secretsApi({ vault }: ApiContext): KeywardApi['secrets'] {
  return {
    preview: async ({ handle }) => vault.preview(handle),
    reveal: async ({ handle }) => vault.reveal(handle),
    copy: ({ handle, format }) => vault.copy(handle, format),
    discard: async ({ handle }) => vault.discard(handle),
  };
}
