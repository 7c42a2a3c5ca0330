import type { KeywardApi } from '../../../shared/ipc/contract.ts';
import type { ApiContext } from './context.ts';

// drafts.*: offline role edits of the connected profile (drafts/drafts.ts), planned against the
// server and applied as one atomic change set.

export function draftsApi({ drafts, profiles, session }: ApiContext): KeywardApi['drafts'] {
  return {
    list: async () => drafts.list(),
    saveRole: async (arg) => drafts.saveRole(arg),
    deleteRole: async ({ roleId }) => drafts.deleteRole(roleId),
    discard: async ({ draftId }) => drafts.discard(draftId),
    plan: () => drafts.plan(),
    resolveConflict: async (arg) => drafts.resolveConflict(arg),
    apply: ({ planId }) => drafts.apply(planId),
    export: async ({ format }) => {
      const p = profiles.stored(session.profileId);
      return drafts.export(format, { name: p.name, url: p.url });
    },
    import: async ({ content }) => drafts.import(content),
  };
}
