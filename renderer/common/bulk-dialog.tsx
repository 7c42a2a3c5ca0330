import { DialogContentText, LinearProgress, Typography } from '@mui/material';
import { useState } from 'react';
import { useToast } from '../app/toasts.tsx';
import { useWrite } from '../app/use-write.ts';
import { bulkSummary, count, nameList, type BulkFailure, type BulkItem } from './bulk.ts';
import { DialogFooter, DialogFrame } from './dialog-parts.tsx';
import { LossGuard, useTypedConfirmation } from './loss-guard.tsx';

export interface BulkProps {
  /** "Revoke", "Delete": the title asks "Revoke 5 credentials?". */
  verb: string;
  /** "Revoked": the result says "Revoked 5 credentials." */
  pastTense: string;
  noun: readonly [string, string];
  items: readonly BulkItem[];
  /** What happens, said plainly (revoked tokens stop working at once …). */
  consequence: string;
  destructive: boolean;
  /** The connected token's own loss, said above the buttons; with typeToConfirm. */
  warning?: string;
  /** The confirm button stays off until this exact text is typed. */
  typeToConfirm?: string;
  /**
   * Does the work, calling progress(done) as items finish; answers the items that failed (then the
   * rest are done), or throws when none was done (an all-or-nothing change refused).
   */
  run: (progress: (done: number) => void) => Promise<BulkFailure[]>;
  /** One all-or-nothing change (no per-item progress to show). */
  atomic?: boolean;
  /** After the run: the ids that failed (the screen keeps them selected) — empty when all worked. */
  onDone?: (failedIds: string[]) => void;
  onClose: () => void;
}

/**
 * One confirmation for the same action on many rows: how many and which, what it does, a typed
 * name when it takes the console's own access, progress while it runs, and the result as a toast
 * (which ones failed and why). A refused all-or-nothing change stays here with the server's reason.
 */
export function BulkDialog({
  verb,
  pastTense,
  noun,
  items,
  consequence,
  destructive,
  warning,
  typeToConfirm,
  run,
  atomic = false,
  onDone,
  onClose,
}: BulkProps) {
  const toast = useToast();
  const [done, setDone] = useState(0);
  const { typed, setTyped, typedOk } = useTypedConfirmation(typeToConfirm);
  const write = useWrite(() => run(setDone));
  const go = async () => {
    if (!typedOk || write.isPending) return;
    setDone(0);
    const failed = await write.mutateAsync(undefined).catch(() => null);
    if (failed === null) return;
    onClose();
    onDone?.(failed.map((f) => f.id));
    toast({ message: bulkSummary(pastTense, noun, items.length, failed), severity: failed.length ? 'error' : 'success' });
  };
  const many = count(items.length, noun);
  return (
    <DialogFrame
      title={`${verb} ${many}?`}
      onClose={onClose}
      busy={write.isPending}
      dividers={false}
      error={write.error}
      testId="bulk-dialog"
      footer={
        <DialogFooter
          okLabel={`${verb} ${many}`}
          onOk={() => void go()}
          onCancel={onClose}
          busy={write.isPending}
          okDisabled={!typedOk}
          destructive={destructive}
          {...(typeToConfirm === undefined ? { focus: destructive ? ('cancel' as const) : ('ok' as const) } : {})}
          okTestId="bulk-confirm"
        />
      }
    >
      <DialogContentText data-testid="bulk-names" sx={{ overflowWrap: 'anywhere' }}>
        {nameList(items.map((i) => i.name))}.
      </DialogContentText>
      <DialogContentText sx={{ mt: 1.5 }}>{consequence}</DialogContentText>
      <LossGuard
        warning={warning}
        typeToConfirm={typeToConfirm}
        typed={typed}
        setTyped={setTyped}
        onConfirm={() => void go()}
        disabled={write.isPending}
      />
      {write.isPending && (
        <div data-testid="bulk-progress" style={{ marginTop: 16 }}>
          <LinearProgress variant={atomic ? 'indeterminate' : 'determinate'} value={(done / items.length) * 100} />
          <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }} role="status">
            {atomic ? `${verb}: one change, all or none…` : `${done} of ${many} done…`}
          </Typography>
        </div>
      )}
    </DialogFrame>
  );
}
