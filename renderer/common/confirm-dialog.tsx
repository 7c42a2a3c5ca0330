import { DialogContentText } from '@mui/material';
import { useState } from 'react';
import { useToast } from '../app/toasts.tsx';
import { DialogFooter, DialogFrame } from './dialog-parts.tsx';
import { LossGuard, useTypedConfirmation } from './loss-guard.tsx';
import { Fingerprint } from './fingerprint.tsx';

export interface ConfirmProps {
  title: string;
  body: string;
  confirmLabel: string;
  cancelLabel?: string;
  destructive?: boolean;
  /** A certificate fingerprint shown under the body, wrapping only between byte pairs. */
  fingerprint?: string;
  /** Wider than 'xs' when the content needs it (a fingerprint fits in two lines at 'sm'). */
  maxWidth?: 'xs' | 'sm' | 'md';
  /** Said plainly above the buttons (e.g. "your own token loses …"). */
  warning?: string;
  /** The confirm button stays off until this exact text is typed (a change that can lock you out). */
  typeToConfirm?: string;
  /** A toast after it worked. */
  success?: string;
  onConfirm: () => Promise<unknown> | void;
  onClose: () => void;
}

/**
 * A yes/no question that says what will happen; shows the server's reason if the action fails.
 * A destructive one opens with Cancel focused, so Escape-then-Enter or a stray Enter loses nothing.
 */
export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  cancelLabel,
  destructive,
  fingerprint,
  maxWidth = 'xs',
  warning,
  typeToConfirm,
  success,
  onConfirm,
  onClose,
}: ConfirmProps) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { typed, setTyped, typedOk } = useTypedConfirmation(typeToConfirm);
  const run = async () => {
    if (!typedOk) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
      if (success) toast({ message: success, severity: 'success' });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <DialogFrame
      title={title}
      onClose={onClose}
      busy={busy}
      maxWidth={warning || typeToConfirm ? 'sm' : maxWidth}
      dividers={false}
      error={error}
      footer={
        <DialogFooter
          okLabel={confirmLabel}
          onOk={() => void run()}
          onCancel={onClose}
          {...(cancelLabel ? { cancelLabel } : {})}
          busy={busy}
          okDisabled={!typedOk}
          destructive={destructive ?? false}
          focus={destructive || typeToConfirm ? (typeToConfirm ? undefined : 'cancel') : 'ok'}
        />
      }
    >
      <DialogContentText sx={{ whiteSpace: 'pre-line', overflowWrap: 'anywhere' }}>{body}</DialogContentText>
      {fingerprint && (
        <DialogContentText component="div" sx={{ mt: 1.5 }}>
          <Fingerprint value={fingerprint} testId="confirm-fingerprint" />
        </DialogContentText>
      )}
      <LossGuard warning={warning} typeToConfirm={typeToConfirm} typed={typed} setTyped={setTyped} onConfirm={() => void run()} />
    </DialogFrame>
  );
}
