import { Alert, TextField } from '@mui/material';
import { lossSentence, type OwnLoss } from '../app/own-access.ts';

/**
 * What an edit would take from the console's own token, and the field where the edited item's
 * name must be typed before saving (DESIGN §3.11). The role dialog lets Enter in it save; the
 * credential editor does not.
 */
export function OwnLossConfirm({
  loss,
  name,
  typed,
  onTyped,
  submitOnEnter = false,
}: {
  loss: OwnLoss;
  name: string;
  typed: string;
  onTyped: (text: string) => void;
  submitOnEnter?: boolean;
}) {
  return (
    <>
      <Alert severity="warning" data-testid="lockout-warning">
        Your own access: {lossSentence(loss)}
      </Alert>
      <TextField
        label={`Type “${name}” to confirm`}
        value={typed}
        onChange={(e) => onTyped(e.target.value)}
        autoComplete="off"
        fullWidth
        sx={{ mt: 2 }}
        slotProps={{
          htmlInput: { 'data-testid': 'type-to-confirm', ...(submitOnEnter ? { 'data-submit-on-enter': 'true' } : {}), spellCheck: false },
        }}
      />
    </>
  );
}
