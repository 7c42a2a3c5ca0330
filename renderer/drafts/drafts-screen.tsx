import { Alert, Button, Chip, LinearProgress, List, ListItem, ListItemText, Paper, Stack, Typography } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { ApplyResult, ConflictChoice, Plan, PlanConflict, PlanItem } from '../../shared/ipc/types.ts';
import { useApi } from '../app/api.ts';
import { useDrafts } from '../app/data.ts';
import { useSession } from '../app/session.ts';
import { EmptyState, ErrorState, LoadingRows, Page } from '../common/states.tsx';
import { useScreenAction } from '../common/use-screen-action.ts';
import { useDialogs } from '../dialogs/dialog-context.ts';
import { downloadFile } from './draft-files.ts';
import { PlanItemCard } from './plan-item-card.tsx';

/** Offline role edits: review them as a plan against the server, settle conflicts, apply at once. */
export function DraftsScreen() {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const { openDialog } = useDialogs();
  const drafts = useDrafts();
  const [plan, setPlan] = useState<Plan | null>(null);
  const [result, setResult] = useState<Extract<ApplyResult, { applied: true }> | null>(null);
  const { busy, error, setError, run } = useScreenAction();
  const fileInput = useRef<HTMLInputElement | null>(null);
  const [importWarnings, setImportWarnings] = useState<string[]>([]);
  const online = session.state === 'online';
  const refresh = () => client.invalidateQueries({ queryKey: [session.profileId] });

  const review = () =>
    run('plan', async () => {
      setResult(null);
      setPlan(await api.drafts.plan());
    });
  const resolve = (item: PlanItem, conflict: PlanConflict, choice: ConflictChoice, name?: string) =>
    run('resolve', async () =>
      setPlan(
        await api.drafts.resolveConflict({
          planId: plan!.planId,
          draftId: item.draftId,
          kind: conflict.kind,
          choice,
          ...(name ? { name } : {}),
        }),
      ),
    );
  const apply = () =>
    run('apply', async () => {
      const r = await api.drafts.apply({ planId: plan!.planId });
      if (r.applied) {
        setResult(r);
        setPlan(null);
        await refresh();
      } else {
        setPlan(r.plan);
        setError('The server changed while you reviewed. Nothing was written; here is the updated plan.');
      }
    });
  const discardAll = () =>
    openDialog({
      type: 'confirm',
      title: 'Discard all drafts?',
      body: `${drafts.data?.roles.length ?? 0} offline changes will be lost. The server is not touched.`,
      confirmLabel: 'Discard all',
      destructive: true,
      onConfirm: async () => {
        await api.drafts.discard({});
        setPlan(null);
        await refresh();
      },
    });
  const exportAs = (format: 'json' | 'yaml') => run('export', async () => downloadFile(await api.drafts.export({ format })));
  const importFile = (file: File) =>
    run('import', async () => {
      const imported = await api.drafts.import({ content: await file.text(), fileName: file.name });
      setImportWarnings(imported.importWarnings ?? []);
      await refresh();
    });

  const items = drafts.data?.roles ?? [];
  const planItems = plan?.items.filter((i) => i.op !== 'noop') ?? [];
  return (
    <Page
      title="Drafts"
      intro="Role changes made offline (or imported from a file). Review them against the server, then apply them in one step."
      actions={
        <>
          <Button onClick={() => fileInput.current?.click()}>Import file</Button>
          <input
            ref={fileInput}
            type="file"
            accept=".json,.yaml,.yml"
            hidden
            aria-label="Import drafts file"
            onChange={(e) => e.target.files?.[0] && void importFile(e.target.files[0])}
          />
          <Button onClick={() => void exportAs('json')} disabled={items.length === 0}>
            Export JSON
          </Button>
          <Button onClick={() => void exportAs('yaml')} disabled={items.length === 0}>
            Export YAML
          </Button>
        </>
      }
    >
      {error && (
        <Alert severity="error" sx={{ mb: 2 }} data-testid="drafts-error">
          {error}
        </Alert>
      )}
      {importWarnings.length > 0 && (
        <Alert severity="warning" sx={{ mb: 2 }} onClose={() => setImportWarnings([])} data-testid="import-warnings">
          The file was imported, with {importWarnings.length} warning{importWarnings.length === 1 ? '' : 's'} from the YAML reader:{' '}
          {importWarnings.slice(0, 5).join('; ')}. Check those lines of the file.
        </Alert>
      )}
      {busy && <LinearProgress sx={{ mb: 2 }} aria-label={busy === 'apply' ? 'Applying changes' : 'Working'} />}
      {result && (
        <Alert severity="success" sx={{ mb: 2 }} data-testid="apply-result">
          Applied {result.items.length} change{result.items.length === 1 ? '' : 's'}: {result.items.filter((i) => 'deleted' in i).length}{' '}
          deleted, {result.items.filter((i) => !('deleted' in i)).length} created or updated.
        </Alert>
      )}
      {drafts.isPending ? (
        <LoadingRows rows={3} />
      ) : drafts.error ? (
        <ErrorState error={drafts.error} />
      ) : items.length === 0 ? (
        <EmptyState title="No drafts" hint="Edit roles while offline, or import a roles file, and the changes wait here for review." />
      ) : (
        <Stack spacing={2}>
          <Paper variant="outlined">
            <List dense aria-label="Drafts">
              {items.map((d) => (
                <ListItem
                  key={d.draftId}
                  secondaryAction={
                    <Button
                      size="small"
                      onClick={() =>
                        void run('discard', async () => {
                          await api.drafts.discard({ draftId: d.draftId });
                          setPlan(null);
                          await refresh();
                        })
                      }
                    >
                      Discard
                    </Button>
                  }
                >
                  <Chip size="small" label={d.op} sx={{ mr: 1.5, minWidth: 64 }} />
                  <ListItemText
                    primary={d.draft?.name ?? d.base?.name}
                    secondary={`Edited ${new Date(d.editedAt).toLocaleString()}${d.base ? ` · based on version ${d.base.version}` : ''}`}
                  />
                </ListItem>
              ))}
            </List>
          </Paper>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
            <Button variant="contained" onClick={() => void review()} disabled={!online || busy !== null}>
              Review changes
            </Button>
            <Button color="error" onClick={discardAll} disabled={busy !== null}>
              Discard all
            </Button>
            {!online && <Typography color="text.secondary">Connect to the server to review and apply.</Typography>}
          </Stack>
          {plan && (
            <Stack spacing={2} data-testid="plan">
              <Typography variant="h2" component="h2">
                Plan — {planItems.length} change{planItems.length === 1 ? '' : 's'}
                {plan.conflictCount > 0 && `, ${plan.conflictCount} with conflicts to resolve`}
              </Typography>
              {planItems.map((i) => (
                <PlanItemCard key={i.draftId} item={i} onResolve={resolve} busy={busy !== null} />
              ))}
              <div>
                <Button
                  variant="contained"
                  color="primary"
                  onClick={() => void apply()}
                  disabled={plan.conflictCount > 0 || busy !== null || planItems.length === 0}
                >
                  Apply {planItems.length} change{planItems.length === 1 ? '' : 's'}
                </Button>
              </div>
            </Stack>
          )}
        </Stack>
      )}
    </Page>
  );
}
