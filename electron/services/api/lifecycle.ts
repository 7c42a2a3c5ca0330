import type { KeywardApi } from '../../../shared/ipc/contract.ts';
import type { ApiContext } from './context.ts';

// The lifecycle part of the IPC contract (DESIGN §5 Usage and Policies): usage series, the
// lifetime policy and webhooks. A webhook's signing secret is held in main like a credential's
// token (one-time dialog), never handed over in the answer.

export function lifetimeApi({ session }: Pick<ApiContext, 'session'>): Pick<KeywardApi['policy'], 'getLifetime' | 'setLifetime'> {
  return {
    getLifetime: () => session.call('getLifetimePolicy'),
    setLifetime: (body) => session.call('putLifetimePolicy', { body }),
  };
}

export function usageApi({ session }: Pick<ApiContext, 'session'>): KeywardApi['usage'] {
  return {
    credential: ({ id, ...query }) => session.call('getCredentialUsage', { params: { id }, query }),
    overview: (query) => session.call('getUsage', { query }),
  };
}

export function webhooksApi({ session, vault }: Pick<ApiContext, 'session' | 'vault'>): KeywardApi['webhooks'] {
  return {
    list: async () => (await session.call('listWebhooks')).items,
    create: async (body) => {
      const answer = await session.call('createWebhook', { body });
      return { webhook: answer.webhook, secretHandle: vault.hold(answer.secret) };
    },
    update: ({ id, expectedVersion, set }) => session.call('updateWebhook', { params: { id }, body: set, ifMatch: expectedVersion }),
    delete: async ({ id, expectedVersion }) => {
      await session.call('deleteWebhook', { params: { id }, ifMatch: expectedVersion });
    },
    deliveries: async ({ id }) => (await session.call('listWebhookDeliveries', { params: { id } })).items,
    resend: ({ id, deliveryId }) => session.call('resendWebhookDelivery', { params: { id, deliveryId } }),
  };
}
