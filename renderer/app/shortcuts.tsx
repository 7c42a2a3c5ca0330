import { Table, TableBody, TableCell, TableRow } from '@mui/material';
import { useEffect } from 'react';
import { DialogFooter, DialogFrame } from '../common/dialog-parts.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';
import type { ScreenId } from './navigation.ts';

/** The console's keyboard shortcuts: single keys, never while typing or with a dialog open. */
export const SHORTCUTS = [
  { key: 'r', label: 'New role (on Roles)' },
  { key: 'c', label: 'New credential (on Credentials, online)' },
  { key: '/', label: 'Search the current list (on Directory, the list you are in or scrolled to)' },
  { key: 's', label: 'Sync with the server' },
  { key: '?', label: 'This list of shortcuts' },
] as const;

const typing = (el: Element | null) =>
  el instanceof HTMLElement &&
  (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || el.getAttribute('role') === 'combobox');

/**
 * The search field "/" reaches. A screen with several lists (Directory: users and groups) marks
 * each list's part `data-search-scope`: the list holding the focus wins, then the search field in
 * view nearest the middle of the window (the list the admin scrolled to), then the first one.
 */
export function searchFieldToFocus(): HTMLInputElement | null {
  const fields = [...document.querySelectorAll<HTMLInputElement>('[data-shortcut="search"]')];
  const scope = document.activeElement?.closest('[data-search-scope]');
  const inScope = scope?.querySelector<HTMLInputElement>('[data-shortcut="search"]');
  if (inScope) return inScope;
  const middle = window.innerHeight / 2;
  const inView = fields
    .map((field) => ({ field, rect: field.getBoundingClientRect() }))
    .filter(({ rect }) => rect.height > 0 && rect.bottom > 0 && rect.top < window.innerHeight)
    .sort((a, b) => Math.abs(a.rect.top - middle) - Math.abs(b.rect.top - middle));
  return inView[0]?.field ?? fields[0] ?? null;
}

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
        '/': () => searchFieldToFocus()?.focus(),
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
