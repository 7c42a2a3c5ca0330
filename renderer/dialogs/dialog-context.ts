import { createContext, useContext } from 'react';
import type { DialogSpec } from './dialog-types.ts';

export interface DialogControl {
  openDialog: (spec: DialogSpec) => void;
  /** Closes the top-most dialog. */
  closeDialog: () => void;
}

export const DialogContext = createContext<DialogControl | null>(null);

export function useDialogs(): DialogControl {
  const control = useContext(DialogContext);
  if (!control) throw new Error('useDialogs outside DialogContext');
  return control;
}
