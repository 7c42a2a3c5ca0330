import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { markRoleDialogOpenStart } from '../roles/role-dialog/perf.ts';
import { DialogContext } from './dialog-context.ts';
import { DialogHost } from './dialog-host.tsx';
import type { DialogSpec } from './dialog-types.ts';

/** Holds the stack of open dialogs (a confirmation can sit on top of an editor). */
export function DialogProvider({ children }: { children: ReactNode }) {
  const [stack, setStack] = useState<{ key: number; spec: DialogSpec }[]>([]);
  const openDialog = useCallback((spec: DialogSpec) => {
    if (spec.type === 'role') markRoleDialogOpenStart();
    setStack((s) => [...s, { key: Date.now() + Math.random(), spec }]);
  }, []);
  const closeDialog = useCallback(() => setStack((s) => s.slice(0, -1)), []);
  const control = useMemo(() => ({ openDialog, closeDialog }), [openDialog, closeDialog]);
  return (
    <DialogContext.Provider value={control}>
      {children}
      {stack.map(({ key, spec }) => (
        <DialogHost key={key} spec={spec} onClose={closeDialog} />
      ))}
    </DialogContext.Provider>
  );
}
