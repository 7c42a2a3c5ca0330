import { Button } from '@mui/material';
import BlockIcon from '@mui/icons-material/Block';
import PlayArrowIcon from '@mui/icons-material/PlayArrowOutlined';
import DoNotDisturbIcon from '@mui/icons-material/DoNotDisturbOn';
import type { Credential } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { lossSentence, ownLoss, useOwnCredential } from '../app/own-access.ts';
import { useSession } from '../app/session.ts';
import { runEach } from '../common/bulk.ts';
import { SelectionBar } from '../common/selection-bar.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';

type BulkAction = 'revoke' | 'disable' | 'enable';

const ACTIONS: Record<
  BulkAction,
  { verb: string; pastTense: string; applies: (c: Credential) => boolean; consequence: string; destructive: boolean }
> = {
  disable: {
    verb: 'Disable',
    pastTense: 'Disabled',
    // As the row's button: a revoked or expired credential cannot be disabled.
    applies: (c) => c.status === 'active',
    consequence:
      'Every request with these tokens is denied (reason “disabled”) at once, until you enable them again. Nothing else changes.',
    destructive: true,
  },
  enable: {
    verb: 'Enable',
    pastTense: 'Enabled',
    applies: (c) => c.status === 'disabled',
    consequence: 'The tokens work again at once, with the roles they hold now.',
    destructive: false,
  },
  revoke: {
    verb: 'Revoke',
    pastTense: 'Revoked',
    applies: (c) => c.status !== 'revoked',
    consequence: 'The tokens stop working at once and for good. This cannot be undone: a revoked credential cannot be enabled again.',
    destructive: true,
  },
};

/**
 * The bar over the credentials grid while rows are selected: how many, and disable, enable and
 * revoke for those it applies to, each behind one confirmation (renderer/common/bulk-dialog.tsx).
 */
export function CredentialBulkBar({ selected, onDone }: { selected: Credential[]; onDone: (keepIds: string[]) => void }) {
  const api = useApi();
  const { openDialog } = useDialogs();
  const online = useSession().state === 'online';
  const own = useOwnCredential();
  const open = (action: BulkAction) => {
    const spec = ACTIONS[action];
    const targets = selected.filter(spec.applies);
    const skipped = selected.length - targets.length;
    const mine = action === 'enable' ? undefined : targets.find((c) => c.id === own.own?.id);
    const loss = mine ? ownLoss(own.own, own.roles, { kind: 'stop', credentialId: mine.id }) : null;
    const reason = { disable: 'already disabled, expired or revoked', enable: 'not disabled', revoke: 'already revoked' }[action];
    const notTouched = skipped
      ? ` ${skipped} other selected ${skipped === 1 ? 'credential is' : 'credentials are'} ${reason}: left as ${skipped === 1 ? 'it is' : 'they are'}.`
      : '';
    openDialog({
      type: 'bulk',
      verb: spec.verb,
      pastTense: spec.pastTense,
      noun: ['credential', 'credentials'],
      items: targets.map((c) => ({ id: c.id, name: c.name })),
      consequence: spec.consequence + notTouched,
      destructive: spec.destructive,
      ...(loss && mine ? { warning: `Your own access: “${mine.name}” is selected. ${lossSentence(loss)}`, typeToConfirm: mine.name } : {}),
      run: (progress) => runEach(targets, (c) => api.credentials[action]({ id: c.id }), progress),
      onDone,
    });
  };
  const button = (action: BulkAction, icon: React.ReactNode) => {
    const n = selected.filter(ACTIONS[action].applies).length;
    return (
      <Button
        size="small"
        color={ACTIONS[action].destructive ? 'error' : 'primary'}
        startIcon={icon}
        onClick={() => open(action)}
        disabled={!online || n === 0}
        aria-label={`${ACTIONS[action].verb} ${n} selected`}
      >
        {ACTIONS[action].verb}
        {n && n !== selected.length ? ` (${n})` : ''}
      </Button>
    );
  };
  return (
    <SelectionBar label="Selected credentials" count={selected.length} onClear={() => onDone([])}>
      {button('disable', <BlockIcon fontSize="small" />)}
      {button('enable', <PlayArrowIcon fontSize="small" />)}
      {button('revoke', <DoNotDisturbIcon fontSize="small" />)}
    </SelectionBar>
  );
}
