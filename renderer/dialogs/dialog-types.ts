import type { SecretHandle } from '../../shared/ipc/types.ts';
import type { BulkProps } from '../common/bulk-dialog.tsx';

// Every dialog the app can show, as data (STYLE.md: "dialogs are declared"). The host renders
// them in one switch that ends in assertNever, so adding a kind without a renderer fails to compile.
export type DialogSpec =
  | { type: 'role'; roleId: string | null; draftId?: string; copyOfRoleId?: string }
  | {
      type: 'confirm';
      title: string;
      body: string;
      confirmLabel: string;
      destructive?: boolean;
      fingerprint?: string;
      maxWidth?: 'xs' | 'sm' | 'md';
      cancelLabel?: string;
      warning?: string;
      typeToConfirm?: string;
      success?: string;
      onConfirm: () => Promise<unknown> | void;
    }
  | { type: 'credential-editor'; credentialId: string | null }
  | { type: 'credential-action'; action: CredentialAction; credentialId: string; credentialName: string }
  | {
      type: 'one-time-token';
      credentialName: string;
      handle: SecretHandle;
      rolled: boolean;
      /** After a roll with a grace period: when the previous secret stops working (ms since epoch). */
      graceUntil?: number;
      /** A webhook's signing secret rather than a credential's token. */
      webhook?: boolean;
    }
  | { type: 'credential-usage'; credentialId: string; credentialName: string }
  | { type: 'webhook-editor'; webhookId: string | null }
  | { type: 'webhook-deliveries'; webhookId: string; webhookName: string }
  | { type: 'profile'; profileId: string | null }
  | { type: 'user'; userId: string | null }
  | { type: 'group'; groupId: string | null }
  | { type: 'backend'; backendId: string | null }
  | { type: 'shortcuts' }
  /** The same action on many rows, confirmed once (renderer/common/bulk-dialog.tsx). */
  | ({ type: 'bulk' } & Omit<BulkProps, 'onClose'>);

export type CredentialAction = 'disable' | 'enable' | 'roll' | 'revoke';

export function assertNever(value: never): never {
  throw new Error(`Unhandled dialog: ${JSON.stringify(value)}`);
}
