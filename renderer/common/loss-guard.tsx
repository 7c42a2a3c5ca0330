import { Alert, TextField } from '@mui/material';
import { useState } from 'react';

// The part of a confirmation that guards a change which can lock the admin out: the warning that
// says so, and a field where the name must be typed before the confirm button turns on (Enter in
// it confirms). Used by the one-row confirmation and the bulk confirmation alike.

/** The typed text and whether it matches; always true when nothing must be typed. */
export function useTypedConfirmation(typeToConfirm: string | undefined) {
  const [typed, setTyped] = useState('');
  return { typed, setTyped, typedOk: typeToConfirm === undefined || typed === typeToConfirm };
}

export function LossGuard({
  warning,
  typeToConfirm,
  typed,
  setTyped,
  onConfirm,
  disabled = false,
}: {
  warning?: string | undefined;
  typeToConfirm?: string | undefined;
  typed: string;
  setTyped: (text: string) => void;
  /** Called on Enter once the typed text matches. */
  onConfirm: () => void;
  disabled?: boolean;
}) {
  return (
    <>
      {warning && (
        <Alert severity="warning" sx={{ mt: 2 }} data-testid="lockout-warning">
          {warning}
        </Alert>
      )}
      {typeToConfirm !== undefined && (
        <TextField
          label={`Type “${typeToConfirm}” to confirm`}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && typed === typeToConfirm) onConfirm();
          }}
          autoFocus
          fullWidth
          autoComplete="off"
          disabled={disabled}
          sx={{ mt: 2 }}
          slotProps={{ htmlInput: { 'data-testid': 'type-to-confirm', spellCheck: false } }}
        />
      )}
    </>
  );
}
