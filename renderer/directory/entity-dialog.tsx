import { Stack } from '@mui/material';
import type { ReactNode } from 'react';
import { useWrite } from '../app/use-write.ts';
import { DialogFooter, DialogFrame } from '../common/dialog-parts.tsx';
import type { FieldErrors } from '../common/use-field-errors.ts';

/**
 * Shared frame of the small create/edit dialogs: title, fields, Cancel/Save. A failed save lands
 * on the fields it names (`errors`, from the form's useFieldErrors); the rest under the fields.
 */
export function EntityDialog({
  title,
  children,
  canSave,
  onSave,
  onClose,
  errors,
  success,
}: {
  title: string;
  children: ReactNode;
  canSave: boolean;
  onSave: () => Promise<unknown>;
  onClose: () => void;
  errors: FieldErrors;
  /** The confirmation toast. */
  success: string;
}) {
  const write = useWrite(onSave, { success });
  const save = async () => {
    if (!canSave) return;
    try {
      await write.mutateAsync(undefined);
      onClose();
    } catch (e) {
      errors.report(e);
    }
  };
  return (
    <DialogFrame
      title={title}
      onClose={onClose}
      busy={write.isPending}
      error={errors.other}
      footer={<DialogFooter okLabel="Save" onOk={() => void save()} onCancel={onClose} busy={write.isPending} okDisabled={!canSave} />}
    >
      <Stack spacing={2} sx={{ pt: 0.5 }}>
        {children}
      </Stack>
    </DialogFrame>
  );
}
