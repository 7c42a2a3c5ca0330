import { CssBaseline, ThemeProvider } from '@mui/material';
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { buildTheme } from '../app/theme.ts';
import { buildCatalogIndex } from '../roles/role-dialog/catalog-index.ts';
import { markRoleDialogOpenStart } from '../roles/role-dialog/perf.ts';
import { RoleDialog } from '../roles/role-dialog/role-dialog.tsx';
import { syntheticCatalog } from './synthetic-catalog.ts';

// Mounts the role dialog alone, with no backend, on a synthetic catalog sized by the URL:
//   role-dialog-bench.html?actions=5000&groups=100[&selected=500][&theme=dark]
// The benchmark drives it like a user and reads the keyward:role-dialog:* performance measures.
// window.keywardBench tells it when the dialog is up and lets it reopen the dialog.
const params = new URLSearchParams(location.search);
const actions = Number(params.get('actions') ?? 5000);
const groups = Number(params.get('groups') ?? 100);
const preselected = Number(params.get('selected') ?? 0);
const index = buildCatalogIndex(syntheticCatalog(actions, groups));
const initial = { name: 'Benchmark role', description: 'Synthetic', actions: index.actions.slice(0, preselected).map((a) => a.id) };

declare global {
  interface Window {
    keywardBench?: { actions: number; groups: number; open: () => void; isOpen: () => boolean };
  }
}

function Bench() {
  const [generation, setGeneration] = useState(1);
  const [open, setOpen] = useState(true);
  useEffect(() => {
    window.keywardBench = {
      actions: index.actions.length,
      groups: index.groups.length,
      open: () => {
        markRoleDialogOpenStart();
        setOpen(true);
        setGeneration((g) => g + 1);
      },
      isOpen: () => open,
    };
  }, [open]);
  return (
    <ThemeProvider theme={buildTheme(params.get('theme') === 'dark' ? 'dark' : 'light')}>
      <CssBaseline />
      {open && (
        <RoleDialog
          key={generation}
          index={index}
          initial={initial}
          title="New role"
          draftMode={false}
          isNameTaken={(n) => n.toLowerCase() === 'taken'}
          loadServerVersion={async () => ({ content: null, changedMeanwhile: false })}
          onSave={async () => undefined}
          onClose={() => setOpen(false)}
        />
      )}
    </ThemeProvider>
  );
}

markRoleDialogOpenStart();
createRoot(document.getElementById('root')!).render(<Bench />);
