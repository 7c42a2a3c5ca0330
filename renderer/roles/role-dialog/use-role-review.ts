import { useState } from 'react';
import type { RoleContent } from '../../../shared/ipc/types.ts';
import { errorMessage } from '../../app/errors.ts';
import type { ServerVersion } from './role-dialog.tsx';

/** The role dialog's two steps: editing, then the review against the server's version and the save. */
export function useRoleReview(
  loadServerVersion: () => Promise<ServerVersion>,
  onSave: (content: RoleContent) => Promise<void>,
  onClose: () => void,
) {
  const [step, setStep] = useState<'edit' | 'review'>('edit');
  const [review, setReview] = useState<ServerVersion | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const goReview = async () => {
    setStep('review');
    setError(null);
    setReview(null);
    try {
      setReview(await loadServerVersion());
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const save = async (content: RoleContent) => {
    setBusy(true);
    setError(null);
    try {
      await onSave(content);
      onClose();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  return { step, setStep, review, busy, error, goReview, save };
}

/** Whether the server already holds exactly this content (then saving would only bump its version). */
export function sameAsServer(server: RoleContent | null | undefined, name: string, description: string, selected: ReadonlySet<string>) {
  return (
    server != null &&
    server.name === name &&
    server.description === description &&
    server.actions.length === selected.size &&
    server.actions.every((a) => selected.has(a))
  );
}
