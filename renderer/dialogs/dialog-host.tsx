import { ShortcutsDialog } from '../app/shortcuts.tsx';
import { BackendDialog } from '../backends/backend-dialog.tsx';
import { BulkDialog } from '../common/bulk-dialog.tsx';
import { ConfirmDialog } from '../common/confirm-dialog.tsx';
import { ProfileDialog } from '../connections/profile-dialog.tsx';
import { CredentialActionDialog } from '../credentials/credential-action-dialog.tsx';
import { CredentialEditorDialog } from '../credentials/credential-editor-dialog.tsx';
import { OneTimeTokenDialog } from '../credentials/one-time-token-dialog.tsx';
import { GroupDialog } from '../directory/group-dialog.tsx';
import { UserDialog } from '../directory/user-dialog.tsx';
import { RoleDialogContainer } from '../roles/role-dialog-container.tsx';
import { CredentialUsageDialog } from '../usage/credential-usage-dialog.tsx';
import { WebhookDeliveriesDialog } from '../policies/webhook-deliveries-dialog.tsx';
import { WebhookEditorDialog } from '../policies/webhook-editor-dialog.tsx';
import { assertNever, type DialogSpec } from './dialog-types.ts';

/** Renders one declared dialog. The switch is exhaustive: a new kind must get a case here. */
export function DialogHost({ spec, onClose }: { spec: DialogSpec; onClose: () => void }) {
  switch (spec.type) {
    case 'role':
      return <RoleDialogContainer roleId={spec.roleId} draftId={spec.draftId} copyOfRoleId={spec.copyOfRoleId} onClose={onClose} />;
    case 'confirm':
      return <ConfirmDialog {...spec} onClose={onClose} />;
    case 'credential-editor':
      return <CredentialEditorDialog credentialId={spec.credentialId} onClose={onClose} />;
    case 'credential-action':
      return (
        <CredentialActionDialog
          action={spec.action}
          credentialId={spec.credentialId}
          credentialName={spec.credentialName}
          onClose={onClose}
        />
      );
    case 'one-time-token':
      return (
        <OneTimeTokenDialog
          credentialName={spec.credentialName}
          handle={spec.handle}
          rolled={spec.rolled}
          graceUntil={spec.graceUntil ?? null}
          webhook={spec.webhook ?? false}
          onClose={onClose}
        />
      );
    case 'profile':
      return <ProfileDialog profileId={spec.profileId} onClose={onClose} />;
    case 'user':
      return <UserDialog userId={spec.userId} onClose={onClose} />;
    case 'group':
      return <GroupDialog groupId={spec.groupId} onClose={onClose} />;
    case 'backend':
      return <BackendDialog backendId={spec.backendId} onClose={onClose} />;
    case 'credential-usage':
      return <CredentialUsageDialog credentialId={spec.credentialId} credentialName={spec.credentialName} onClose={onClose} />;
    case 'webhook-editor':
      return <WebhookEditorDialog webhookId={spec.webhookId} onClose={onClose} />;
    case 'webhook-deliveries':
      return <WebhookDeliveriesDialog webhookId={spec.webhookId} webhookName={spec.webhookName} onClose={onClose} />;
    case 'shortcuts':
      return <ShortcutsDialog onClose={onClose} />;
    case 'bulk':
      return <BulkDialog {...spec} onClose={onClose} />;
    default:
      return assertNever(spec);
  }
}
