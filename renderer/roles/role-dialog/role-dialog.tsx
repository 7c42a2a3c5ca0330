import { Dialog } from '@mui/material';
import { useId, useLayoutEffect, useRef, useState } from 'react';
import type { RoleContent } from '../../../shared/ipc/types.ts';
import type { OwnLoss } from '../../app/own-access.ts';
import { useDiscardGuard } from '../../dialogs/discard-guard.tsx';
import type { CatalogIndex } from './catalog-index.ts';
import { measureRoleDialogOpen } from './perf.ts';
import { onRoleDialogKey, useReviewFocus } from './role-dialog-keys.ts';
import { EditStep, ReviewStep, RoleDialogActions, RoleDialogTitle } from './role-dialog-steps.tsx';
import { useActionPicker } from './use-action-picker.ts';
import { useRoleText } from './use-role-text.ts';
import { sameAsServer, useRoleReview } from './use-role-review.ts';

export interface ServerVersion {
  content: (RoleContent & { version: number }) | null;
  changedMeanwhile: boolean;
}

export interface RoleDialogProps {
  index: CatalogIndex;
  initial: RoleContent;
  title: string;
  /** Offline: saving makes a draft (shown with a badge). */
  draftMode: boolean;
  isNameTaken: (name: string) => boolean;
  /** The server's version to diff against before saving (null content: a new role). */
  loadServerVersion: () => Promise<ServerVersion>;
  onSave: (content: RoleContent) => Promise<void>;
  onClose: () => void;
  /** What the console's own token would lose if the role had these actions (null: nothing). */
  ownLossFor?: (actions: string[]) => OwnLoss | null;
  /** How many credentials hold the role (they get the change at once). */
  affects?: number;
}

/** The role editor: name, description and the grouped action checkboxes, then a diff to confirm. */
export function RoleDialog(props: RoleDialogProps) {
  const { index, initial, draftMode, onClose, ownLossFor } = props;
  useLayoutEffect(() => measureRoleDialogOpen(), []);
  const picker = useActionPicker(index, initial.actions);
  const { selected } = picker;
  const { step, setStep, review, busy, error, goReview, save } = useRoleReview(props.loadServerVersion, props.onSave, onClose);
  const searchRef = useRef<HTMLInputElement | null>(null);
  const titleId = useId();
  const { reviewRef, focusOnMount } = useReviewFocus();
  const text = useRoleText(initial, selected, props.isNameTaken);
  const { description, trimmed, nameError } = text;
  const [typedName, setTypedName] = useState('');
  const discard = useDiscardGuard(text.dirty, onClose, 'role');
  const content = (): RoleContent => ({ name: trimmed, description, actions: [...selected].sort() });
  // Online, saving what the server already has would only bump its version: nothing to save.
  const unchanged = step === 'review' && !draftMode && sameAsServer(review?.content, trimmed, description, selected);
  // Taking permissions from the console's own token needs the role's name typed (DESIGN §3.11).
  const loss = step === 'review' && !draftMode && ownLossFor ? ownLossFor([...selected]) : null;
  const lossConfirmed = loss === null || typedName === initial.name;
  const canSave = !busy && review !== null && !unchanged && lossConfirmed;

  const toReview = () => {
    if (!nameError) void goReview();
  };
  const requestClose = () => {
    if (busy) return;
    if (step === 'review') setStep('edit');
    else discard.requestClose();
  };
  const saveByEnter = () => {
    if (canSave && selected.size > 0) void save(content());
  };
  const keys = { step, searchRef, reviewRef, prompting: discard.prompting, setStep, submitEdit: toReview, submitReview: saveByEnter };

  return (
    <Dialog
      open
      onClose={requestClose}
      aria-labelledby={titleId}
      maxWidth="lg"
      fullWidth
      onKeyDown={(e) => onRoleDialogKey(e, keys)}
      slotProps={{ paper: { sx: { height: '88vh' }, 'data-testid': 'role-dialog' } as object }}
    >
      <RoleDialogTitle id={titleId} title={step === 'review' ? `Review changes — ${trimmed}` : props.title} draftMode={draftMode} />
      {step === 'edit' ? (
        <EditStep index={index} picker={picker} searchRef={searchRef} text={text} initialName={initial.name} />
      ) : (
        <ReviewStep
          review={review}
          error={error}
          edited={content()}
          draftMode={draftMode}
          affects={props.affects}
          loss={loss}
          initialName={initial.name}
          typedName={typedName}
          onTypedName={setTypedName}
          contentRef={focusOnMount}
        />
      )}
      <RoleDialogActions
        error={error}
        step={step}
        selectedCount={selected.size}
        totalCount={index.actions.length}
        draftMode={draftMode}
        canReview={nameError === null}
        canSave={canSave}
        busy={busy}
        onCancel={requestClose}
        onReview={toReview}
        onBack={() => setStep('edit')}
        onSave={() => void save(content())}
      />
      {discard.prompt}
    </Dialog>
  );
}
