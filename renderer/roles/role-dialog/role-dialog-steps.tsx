import { Alert, Box, Button, Chip, DialogActions, DialogContent, DialogTitle, Typography } from '@mui/material';
import type { RefObject } from 'react';
import type { RoleContent } from '../../../shared/ipc/types.ts';
import type { OwnLoss } from '../../app/own-access.ts';
import { OwnLossConfirm } from '../../common/own-loss-confirm.tsx';
import { ActionList } from './action-list.tsx';
import { GroupSidebar } from './group-sidebar.tsx';
import type { CatalogIndex } from './catalog-index.ts';
import type { ServerVersion } from './role-dialog.tsx';
import { RoleFields } from './role-fields.tsx';
import { RoleReview } from './role-review.tsx';
import { SelectionToolbar } from './selection-toolbar.tsx';
import type { ActionPicker } from './use-action-picker.ts';
import type { RoleText } from './use-role-text.ts';

/** "5,000", not "5000": the footer counts re-render on every toggle, so one formatter is kept. */
const COUNT = new Intl.NumberFormat();

/** The title, with a badge when saving makes a draft. */
export function RoleDialogTitle({ id, title, draftMode }: { id: string; title: string; draftMode: boolean }) {
  return (
    <DialogTitle id={id} sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
      {title}
      {draftMode && <Chip size="small" color="warning" label="Draft — offline" data-testid="draft-badge" />}
    </DialogTitle>
  );
}

/** The edit step: name and description, the toolbar, and the group sidebar beside the actions. */
export function EditStep({
  index,
  picker,
  searchRef,
  text,
  initialName,
}: {
  index: CatalogIndex;
  picker: ActionPicker;
  searchRef: RefObject<HTMLInputElement | null>;
  text: RoleText;
  initialName: string;
}) {
  const { selected, searching, group, items, selectedOnly, deferredQuery } = picker;
  return (
    <DialogContent dividers sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, p: 0, overflow: 'hidden' }}>
      <RoleFields
        name={text.name}
        description={text.description}
        nameError={text.nameError}
        showNameError={text.nameError !== null && text.name !== initialName}
        onName={text.setName}
        onDescription={text.setDescription}
      />
      <SelectionToolbar
        query={picker.query}
        onSearch={picker.onSearch}
        searchRef={searchRef}
        selectedOnly={selectedOnly}
        onSelectedOnly={picker.setSelectedOnly}
        searching={searching}
        group={searching ? null : group}
        groupCount={group ? (picker.counts.get(group.id) ?? 0) : 0}
        results={items}
        selected={selected}
        dispatch={picker.dispatch}
      />
      <Box sx={{ display: 'flex', flex: 1, minHeight: 0, borderTop: 1, borderColor: 'divider' }}>
        <GroupSidebar
          groups={index.groups}
          counts={picker.counts}
          activeId={searching ? null : picker.groupId}
          onSelect={picker.onSelectGroup}
        />
        {items.length === 0 ? (
          <Box sx={{ flex: 1, p: 3 }}>
            <Typography color="text.secondary">
              {searching
                ? `No action matches “${deferredQuery}”. Try another word.`
                : selectedOnly
                  ? 'No selected action in this group. Turn off “Selected only” to see all.'
                  : 'This group has no actions.'}
            </Typography>
          </Box>
        ) : (
          <ActionList
            items={items}
            selected={selected}
            showGroup={searching}
            onToggle={picker.onToggle}
            label={searching ? 'Matching actions' : `Actions in ${group?.name ?? ''}`}
          />
        )}
      </Box>
    </DialogContent>
  );
}

interface ReviewStepProps {
  review: ServerVersion | null;
  error: string | null;
  edited: RoleContent;
  draftMode: boolean;
  affects: number | undefined;
  loss: OwnLoss | null;
  initialName: string;
  typedName: string;
  onTypedName: (text: string) => void;
  /** Takes the focus on mount so Enter (save) still reaches the dialog. */
  contentRef: (el: HTMLDivElement | null) => void;
}

/** The review step: the diff against the server, who it affects, and the own-access confirmation. */
export function ReviewStep({
  review,
  error,
  edited,
  draftMode,
  affects,
  loss,
  initialName,
  typedName,
  onTypedName,
  contentRef,
}: ReviewStepProps) {
  return (
    <DialogContent dividers tabIndex={-1} ref={contentRef} sx={{ outline: 'none' }}>
      {review ? (
        <>
          {edited.actions.length === 0 && (
            <Alert severity="warning" sx={{ mb: 2 }} data-testid="no-actions-warning">
              This role permits no action: a credential holding only this role is denied everything. Go back to pick actions, or save it
              empty on purpose.
            </Alert>
          )}
          <RoleReview server={review.content} changedMeanwhile={review.changedMeanwhile} edited={edited} draftMode={draftMode} />
          {affects !== undefined && review.content && (
            <Typography sx={{ mt: 2 }} data-testid="role-affects">
              {affects === 0
                ? 'No credential holds this role yet.'
                : `Affects ${affects} credential${affects === 1 ? '' : 's'} holding this role, at once.`}
            </Typography>
          )}
          {loss && (
            <Box sx={{ mt: 2 }}>
              <OwnLossConfirm loss={loss} name={initialName} typed={typedName} onTyped={onTypedName} submitOnEnter />
            </Box>
          )}
        </>
      ) : (
        !error && <Typography>Comparing with the server…</Typography>
      )}
    </DialogContent>
  );
}

interface ActionsProps {
  /** What went wrong loading the server's version or saving, shown above the buttons. */
  error: string | null;
  step: 'edit' | 'review';
  selectedCount: number;
  totalCount: number;
  draftMode: boolean;
  canReview: boolean;
  canSave: boolean;
  busy: boolean;
  onCancel: () => void;
  onReview: () => void;
  onBack: () => void;
  onSave: () => void;
}

/** The count of selected actions, then Cancel / Review changes, or Back / Save on the review. */
export function RoleDialogActions({
  error,
  step,
  selectedCount,
  totalCount,
  draftMode,
  canReview,
  canSave,
  busy,
  onCancel,
  onReview,
  onBack,
  onSave,
}: ActionsProps) {
  return (
    <>
      {error && (
        <Alert severity="error" sx={{ mx: 3, mt: 1 }} data-testid="role-dialog-error">
          {error}
        </Alert>
      )}
      <DialogActions>
        <Typography sx={{ flex: 1, pl: 2 }} color="text.secondary" data-testid="selected-count">
          {COUNT.format(selectedCount)} of {COUNT.format(totalCount)} actions selected
        </Typography>
        {step === 'edit' ? (
          <>
            <Button onClick={onCancel}>Cancel</Button>
            <Button variant="contained" onClick={onReview} disabled={!canReview}>
              Review changes
            </Button>
          </>
        ) : (
          <>
            <Button onClick={onBack} disabled={busy}>
              Back
            </Button>
            <Button variant="contained" onClick={onSave} disabled={!canSave}>
              {draftMode ? 'Save draft' : selectedCount === 0 ? 'Save role with no actions' : 'Save role'}
            </Button>
          </>
        )}
      </DialogActions>
    </>
  );
}
