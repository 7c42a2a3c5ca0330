import { IconButton, Tooltip } from '@mui/material';
import BlockIcon from '@mui/icons-material/Block';
import EditIcon from '@mui/icons-material/EditOutlined';
import PlayArrowIcon from '@mui/icons-material/PlayArrowOutlined';
import AutorenewIcon from '@mui/icons-material/Autorenew';
import DoNotDisturbIcon from '@mui/icons-material/DoNotDisturbOn';
import BarChartIcon from '@mui/icons-material/BarChart';
import type { Credential } from '../../shared/domain/types.ts';
import { useSession } from '../app/session.ts';
import { useDialogs } from '../dialogs/dialog-context.ts';
import type { CredentialAction } from '../dialogs/dialog-types.ts';

/** Edit, disable/enable, roll and revoke buttons for one grid row. */
export function CredentialRowActions({ credential: c }: { credential: Credential }) {
  const { openDialog } = useDialogs();
  const online = useSession().state === 'online';
  const final = c.status === 'revoked';
  const act = (action: CredentialAction) => openDialog({ type: 'credential-action', action, credentialId: c.id, credentialName: c.name });
  const button = (label: string, icon: React.ReactNode, onClick: () => void, disabled = false) => (
    <Tooltip title={label}>
      <span>
        <IconButton size="small" sx={{ p: 0.5 }} aria-label={`${label} ${c.name}`} onClick={onClick} disabled={disabled || !online}>
          {icon}
        </IconButton>
      </span>
    </Tooltip>
  );
  return (
    <>
      {button('Usage', <BarChartIcon fontSize="small" />, () =>
        openDialog({ type: 'credential-usage', credentialId: c.id, credentialName: c.name }),
      )}
      {button('Edit', <EditIcon fontSize="small" />, () => openDialog({ type: 'credential-editor', credentialId: c.id }), final)}
      {c.status === 'disabled'
        ? button('Enable', <PlayArrowIcon fontSize="small" />, () => act('enable'))
        : button('Disable', <BlockIcon fontSize="small" />, () => act('disable'), final || c.status === 'expired')}
      {button('Roll', <AutorenewIcon fontSize="small" />, () => act('roll'), final)}
      {button('Revoke', <DoNotDisturbIcon fontSize="small" />, () => act('revoke'), final)}
    </>
  );
}
