import { Table, TableBody, TableCell, TableRow } from '@mui/material';
import { useEffect } from 'react';
import { DialogFooter, DialogFrame } from '../common/dialog-parts.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';
import type { ScreenId } from './navigation.ts';

/** The console's keyboard shortcuts: single keys, never while typing or with a dialog open. */
export const SHORTCUTS = [
  { key: 'r', label: 'New role (on Roles)' },
  { key: 'c', label: 'New credential (on Credentials, online)' },
  { key: '/', label: 'Search the current list' },
  { key: 's', label: 'Sync with the server' },
  { key: '?', label: 'This list of shortcuts' },
] as const;

const typing = (el: Element | null) =>
  el instanceof HTMLElement &&
  (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || el.getAttribute('role') === 'combobox');

/** Listens for the shortcuts on the window. */
export function useShortcuts({ go, online }: { go: (screen: ScreenId) => void; online: boolean }) {
  const { openDialog } = useDialogs();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (typing(document.activeElement) || document.querySelector('[role="dialog"]')) return;
      const act: Record<string, () => void> = {
        r: () => {
          go('roles');
          openDialog({ type: 'role', roleId: null });
        },
        c: () => {
          if (!online) return;
          go('credentials');
          openDialog({ type: 'credential-editor', credentialId: null });
        },
        '/': () => document.querySelector<HTMLInputElement>('[data-shortcut="search"]')?.focus(),
        s: () => document.querySelector<HTMLButtonElement>('[data-shortcut="sync"]')?.click(),
        '?': () => openDialog({ type: 'shortcuts' }),
      };
      const run = act[e.key];
      if (!run) return;
      e.preventDefault();
      run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [go, online, openDialog]);
}

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <DialogFrame
      title="Keyboard shortcuts"
      onClose={onClose}
      maxWidth="xs"
      footer={<DialogFooter okLabel="Close" onOk={onClose} focus="ok" />}
    >
      <Table size="small" aria-label="Keyboard shortcuts">
        <TableBody>
          {SHORTCUTS.map((s) => (
            <TableRow key={s.key}>
              <TableCell sx={{ width: 60 }}>
                <kbd>{s.key}</kbd>
              </TableCell>
              <TableCell>{s.label}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </DialogFrame>
  );
}
