import type { ArgOf, KeywardApi } from '../../../shared/ipc/contract.ts';
import type { ConnectionTest, Profile } from '../../../shared/ipc/types.ts';
import { assertTransportAllowed, BackendClient, fetchCertificate, networkError } from '../backend-client.ts';
import { KeywardError, toIpcError } from '../errors.ts';
import { parseProfileUrl, sameOrigin } from '../profile-url.ts';
import type { ApiContext } from './context.ts';

// profiles.*, session.* and localServer.*: which server the app talks to, whether it trusts its
// certificate, and the connection to it. A profile's token goes only to a server whose
// certificate is pinned (or to loopback / an opted-in plain-HTTP host).

export function profilesApi(ctx: ApiContext): KeywardApi['profiles'] {
  const { profiles, session, log, deps } = ctx;
  return {
    list: () => profiles.list(),
    add: async (arg) => {
      const url = assertTransportAllowed({ url: arg.url, allowInsecureHttp: arg.allowInsecureHttp ?? false });
      if (url.protocol === 'https:' && !arg.fingerprint) {
        throw new KeywardError(
          'certificate_unconfirmed',
          "Test the connection and confirm the server's certificate fingerprint before saving the profile.",
        );
      }
      return profiles.add({
        name: arg.name,
        url: arg.url,
        token: arg.token,
        allowInsecureHttp: arg.allowInsecureHttp,
        fingerprint: url.protocol === 'https:' ? arg.fingerprint : null,
      });
    },
    update: async ({ id, ...patch }) => {
      if (patch.url !== undefined)
        assertTransportAllowed({ url: patch.url, allowInsecureHttp: patch.allowInsecureHttp ?? profiles.stored(id).allowInsecureHttp });
      const before = profiles.stored(id).url;
      const updated = await profiles.update(id, patch);
      if (!sameOrigin(before, updated.url)) log.info('profile moved to another server', { id, tokenKept: updated.hasToken });
      if (session.status().profileId === id) session.disconnect();
      return updated;
    },
    remove: async ({ id }) => {
      await profiles.remove(id);
      session.forget(id);
      deps.cache.delete(`drafts:${id}`);
    },
    test: (arg) => testConnection(ctx, arg),
    confirmCertificate: async ({ id, fingerprint }): Promise<Profile> => {
      const stored = profiles.stored(id);
      const live = await fetchCertificate(stored.url).catch((error: unknown) => {
        throw networkError(error, parseProfileUrl(stored.url));
      });
      if (live.fingerprint !== fingerprint) {
        throw new KeywardError(
          'certificate_changed',
          'The server now presents a different certificate than the one you confirmed. Test the connection again and compare the fingerprint.',
          { confirmed: fingerprint, actual: live.fingerprint },
        );
      }
      const updated = await profiles.update(id, { fingerprint });
      if (session.status().profileId === id) session.disconnect();
      return updated;
    },
  };
}

/** Reaches the server, reports its certificate and whether the token works; stores nothing. */
async function testConnection({ profiles }: ApiContext, arg: ArgOf<'profiles', 'test'>): Promise<ConnectionTest> {
  const result: ConnectionTest = {
    reachable: false,
    serverVersion: null,
    certificate: null,
    pin: 'none',
    authenticated: null,
    error: null,
  };
  try {
    const stored = 'id' in arg ? profiles.stored(arg.id) : null;
    const target = 'id' in arg ? stored! : { url: arg.url, allowInsecureHttp: arg.allowInsecureHttp ?? false, fingerprint: null };
    const url = assertTransportAllowed(target);
    let fingerprint: string | null = null;
    if (url.protocol === 'https:') {
      try {
        result.certificate = await fetchCertificate(url.href);
      } catch (error) {
        throw networkError(error, url);
      }
      result.reachable = true;
      fingerprint = result.certificate.fingerprint;
      result.pin = !target.fingerprint ? 'unpinned' : target.fingerprint === fingerprint ? 'match' : 'mismatch';
      if (result.pin === 'mismatch') {
        throw new KeywardError(
          'certificate_changed',
          `The server presents a different certificate than the one pinned for this profile. Keyward sent nothing. Confirm the new fingerprint only if its operator renewed it.`,
          { expected: target.fingerprint, actual: fingerprint },
        );
      }
    }
    const health = await new BackendClient({ ...target, fingerprint }, null, { timeoutMs: 10_000 }).call('health');
    result.reachable = true;
    result.serverVersion = health.version;
    // The token goes only to a server whose certificate is pinned (or to loopback/opted-in http).
    const token = stored ? await profiles.token(stored.id) : 'token' in arg ? (arg.token ?? null) : null;
    if (token && result.pin !== 'unpinned') {
      try {
        await new BackendClient({ ...target, fingerprint }, token, { timeoutMs: 10_000 }).call('getCatalog');
        result.authenticated = true;
      } catch (error) {
        if (!(error instanceof KeywardError)) throw error;
        if (error.code === 'forbidden') result.authenticated = true;
        else if (error.code === 'unauthorized') {
          result.authenticated = false;
          result.error = error.toIpcError();
        } else throw error;
      }
    }
  } catch (error) {
    result.error = toIpcError(error);
  }
  return result;
}

export function sessionApi({ session }: ApiContext): KeywardApi['session'] {
  return {
    connect: ({ profileId }) => session.connect(profileId),
    disconnect: async () => session.disconnect(),
    status: async () => session.status(),
    sync: () => session.sync(),
    workOffline: ({ offline }) => session.workOffline(offline),
  };
}

export function localServerApi({ localServer, session }: ApiContext): KeywardApi['localServer'] {
  return {
    start: async ({ demo }) => {
      const status = await localServer.start({ demo });
      await session.connect(status.profileId!);
      return status;
    },
    stop: async () => {
      const { profileId } = localServer.status();
      if (profileId && session.status().profileId === profileId) session.disconnect();
      return localServer.stop();
    },
    status: async () => localServer.status(),
  };
}
