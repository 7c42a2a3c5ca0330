import { Alert, Button, CircularProgress, Dialog, DialogActions, DialogContent, DialogTitle, Typography } from '@mui/material';
import { useId, type ReactNode } from 'react';
import { errorMessage } from '../app/errors.ts';

// The parts every dialog is built from (GitHub Desktop's Dialog / DialogError / DefaultDialogFooter):
// one frame, one place for the error that belongs to no field, one footer with Cancel and the action.

/** The error of a dialog's last attempt that no field owns; nothing when there is none. */
export function DialogError({ error, testId = 'dialog-error' }: { error: unknown; testId?: string }) {
  if (error === null || error === undefined || error === '') return null;
  return (
    <Alert severity="error" role="alert" data-testid={testId} sx={{ mt: 2, whiteSpace: 'pre-line' }}>
      {typeof error === 'string' ? error : errorMessage(error)}
    </Alert>
  );
}

export interface FooterProps {
  okLabel: string;
  onOk: () => void;
  /** Without it the footer has only the action (an information dialog). */
  onCancel?: () => void;
  cancelLabel?: string;
  okDisabled?: boolean;
  busy?: boolean;
  destructive?: boolean;
  /** Which button has focus on open: destructive questions focus Cancel, so Enter changes nothing. */
  focus?: 'cancel' | 'ok';
  /** Left of the buttons: a count, a hint. */
  info?: ReactNode;
  okTestId?: string;
}

export function DialogFooter({
  okLabel,
  onOk,
  onCancel,
  cancelLabel = 'Cancel',
  okDisabled,
  busy,
  destructive,
  focus,
  info,
  okTestId,
}: FooterProps) {
  return (
    <DialogActions>
      {info && (
        <Typography component="div" sx={{ flex: 1, pl: 2 }} color="text.secondary">
          {info}
        </Typography>
      )}
      {onCancel && (
        <Button onClick={onCancel} disabled={busy} autoFocus={focus === 'cancel'}>
          {cancelLabel}
        </Button>
      )}
      <Button
        variant="contained"
        color={destructive ? 'error' : 'primary'}
        onClick={onOk}
        disabled={busy || okDisabled}
        autoFocus={focus === 'ok'}
        startIcon={busy ? <CircularProgress size={16} color="inherit" aria-hidden /> : undefined}
        data-testid={okTestId}
      >
        {okLabel}
      </Button>
    </DialogActions>
  );
}

/** The footer of a dialog that only shows something: one Close button. */
export function CloseFooter({ onClose }: { onClose: () => void }) {
  return (
    <DialogActions>
      <Button onClick={onClose}>Close</Button>
    </DialogActions>
  );
}

export interface FrameProps {
  title: ReactNode;
  onClose: () => void;
  busy?: boolean;
  maxWidth?: 'xs' | 'sm' | 'md' | 'lg';
  error?: unknown;
  footer: ReactNode;
  children: ReactNode;
  dividers?: boolean;
  testId?: string;
  /** A dialog on top of this one, rendered inside it (the discard prompt of useDiscardGuard). */
  overlay?: ReactNode;
}

/** A dialog: title, content, the unplaced error under it, footer. Escape and the backdrop close it unless busy. */
export function DialogFrame({
  title,
  onClose,
  busy,
  maxWidth = 'sm',
  error,
  footer,
  children,
  dividers = true,
  testId,
  overlay,
}: FrameProps) {
  const titleId = useId();
  return (
    <Dialog
      open
      onClose={busy ? undefined : onClose}
      aria-labelledby={titleId}
      maxWidth={maxWidth}
      fullWidth
      slotProps={testId ? { paper: { 'data-testid': testId } as object } : undefined}
    >
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent dividers={dividers}>
        {children}
        <DialogError error={error} />
      </DialogContent>
      {footer}
      {overlay}
    </Dialog>
  );
}
