import { useState, type ReactNode } from 'react';
import { ConfirmDialog } from '../common/confirm-dialog.tsx';

/**
 * Closing an editor that has edits asks "Discard unsaved changes?" first; a clean one closes at
 * once. `requestClose` goes to the dialog's onClose (Escape, backdrop) and its Cancel button;
 * `prompt` is rendered inside the editor so it sits on top of it. The prompt opens with "Keep
 * editing" focused: Escape then Enter (or a second Escape) keeps the work.
 */
export function useDiscardGuard(
  dirty: boolean,
  onClose: () => void,
  what: string,
): { requestClose: () => void; prompting: boolean; prompt: ReactNode } {
  const [prompting, setPrompting] = useState(false);
  const requestClose = () => {
    if (dirty) setPrompting(true);
    else onClose();
  };
  const prompt = prompting ? (
    <ConfirmDialog
      title="Discard unsaved changes?"
      body={`Your edits to this ${what} will be lost.`}
      confirmLabel="Discard"
      cancelLabel="Keep editing"
      destructive
      onConfirm={onClose}
      onClose={() => setPrompting(false)}
    />
  ) : null;
  return { requestClose, prompting, prompt };
}
