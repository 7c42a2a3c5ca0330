import type { CredentialUsage, LifetimePolicy, UsageOverview, Webhook, WebhookDelivery } from '../../shared/domain/lifecycle.ts';
import type { KeywardApi } from '../../shared/ipc/contract.ts';
import type { SecretHandle } from '../../shared/ipc/types.ts';

// The lifecycle part of the IPC contract (DESIGN §5 Usage and Policies): usage series, the
// lifetime policy and webhooks, over the session's REST client. A webhook's signing secret is
// held in main like a credential's token (one-time dialog), never handed over in the answer.

type Call = <T>(
  method: string,
  path: string,
  options?: { body?: unknown; query?: Record<string, string | number | boolean | undefined>; ifMatch?: number | undefined },
) => Promise<T>;

export interface LifecycleDeps {
  call: Call;
  hold(secret: string): SecretHandle;
}

const enc = encodeURIComponent;

export function lifecycleApi({ call, hold }: LifecycleDeps): Pick<KeywardApi, 'usage' | 'webhooks'> & {
  lifetime: Pick<KeywardApi['policy'], 'getLifetime' | 'setLifetime'>;
} {
  return {
    lifetime: {
      getLifetime: () => call<LifetimePolicy>('GET', '/v1/policy/lifetime'),
      setLifetime: (body) => call<LifetimePolicy>('PUT', '/v1/policy/lifetime', { body }),
    },
    usage: {
      credential: ({ id, ...query }) => call<CredentialUsage>('GET', `/v1/credentials/${enc(id)}/usage`, { query }),
      overview: (query) => call<UsageOverview>('GET', '/v1/usage', { query }),
    },
    webhooks: {
      list: async () => (await call<{ items: Webhook[] }>('GET', '/v1/webhooks')).items,
      create: async (body) => {
        const answer = await call<{ webhook: Webhook; secret: string }>('POST', '/v1/webhooks', { body });
        return { webhook: answer.webhook, secretHandle: hold(answer.secret) };
      },
      update: ({ id, expectedVersion, set }) => call<Webhook>('PATCH', `/v1/webhooks/${enc(id)}`, { body: set, ifMatch: expectedVersion }),
      delete: async ({ id, expectedVersion }) => {
        await call('DELETE', `/v1/webhooks/${enc(id)}`, { ifMatch: expectedVersion });
      },
      deliveries: async ({ id }) => (await call<{ items: WebhookDelivery[] }>('GET', `/v1/webhooks/${enc(id)}/deliveries`)).items,
      resend: ({ id, deliveryId }) => call<WebhookDelivery>('POST', `/v1/webhooks/${enc(id)}/deliveries/${enc(deliveryId)}/resend`),
    },
  };
}
