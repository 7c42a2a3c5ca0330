import { Alert, Box, Button, Chip, Dialog, DialogActions, DialogContent, DialogTitle, TextField, Typography } from '@mui/material';
import { useCallback, useDeferredValue, useId, useLayoutEffect, useMemo, useReducer, useRef, useState, type KeyboardEvent } from 'react';
import type { RoleContent } from '../../../shared/ipc/types.ts';
import { errorMessage } from '../../app/errors.ts';
import { lossSentence, type OwnLoss } from '../../app/own-access.ts';
import { useDiscardGuard } from '../../dialogs/discard-guard.tsx';
import { ActionList } from './action-list.tsx';
import { countByGroup, searchActions, type CatalogIndex } from './catalog-index.ts';
import { GroupSidebar } from './group-sidebar.tsx';
import { endInteraction, measureRoleDialogOpen, startInteraction } from './perf.ts';
import { RoleFields } from './role-fields.tsx';
import { RoleReview } from './role-review.tsx';
import { selectionReducer } from './selection.ts';
import { SelectionToolbar } from './selection-toolbar.tsx';

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

/** "5,000", not "5000": the footer counts re-render on every toggle, so one formatter is kept. */
const COUNT = new Intl.NumberFormat();

const initSelection = (ids: readonly string[]): ReadonlySet<string> => new Set(ids);

/** The role editor: name, description and the grouped action checkboxes, then a diff to confirm. */
export function RoleDialog({
  index,
  initial,
  title,
  draftMode,
  isNameTaken,
  loadServerVersion,
  onSave,
  onClose,
  ownLossFor,
  affects,
}: RoleDialogProps) {
  const [selected, dispatch] = useReducer(selectionReducer, initial.actions, initSelection);
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [selectedOnly, setSelectedOnly] = useState(false);
  const [groupId, setGroupId] = useState<string | null>(index.groups[0]?.id ?? null);
  const [step, setStep] = useState<'edit' | 'review'>('edit');
  const [review, setReview] = useState<ServerVersion | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [typedName, setTypedName] = useState('');
  const searchRef = useRef<HTMLInputElement | null>(null);
  const titleId = useId();
  // The review replaces the focused field; focus its content so Enter (save) still reaches the dialog.
  const reviewRef = useRef<HTMLDivElement | null>(null);
  const focusOnMount = useCallback((el: HTMLDivElement | null) => {
    reviewRef.current = el;
    el?.focus();
  }, []);

  useLayoutEffect(() => measureRoleDialogOpen(), []);
  useLayoutEffect(() => endInteraction('toggle'), [selected]);
  useLayoutEffect(() => endInteraction('search'), [deferredQuery]);

  const onToggle = useCallback((id: string) => {
    startInteraction('toggle');
    dispatch({ type: 'toggle', id });
  }, []);
  const onSearch = useCallback((value: string) => {
    startInteraction('search');
    setQuery(value);
  }, []);
  const onSelectGroup = useCallback((id: string) => {
    setGroupId(id);
    setQuery('');
  }, []);

  const counts = useMemo(() => countByGroup(index, selected), [index, selected]);
  const group = index.groups.find((g) => g.id === groupId) ?? null;
  const searching = deferredQuery.trim() !== '';
  const baseItems = useMemo(
    () => (searching ? searchActions(index, deferredQuery) : (group?.actions ?? [])),
    [searching, index, deferredQuery, group],
  );
  const items = useMemo(
    () => (selectedOnly ? baseItems.filter((a) => selected.has(a.id)) : baseItems),
    [selectedOnly, baseItems, selected],
  );

  const trimmed = name.trim();
  const nameError =
    trimmed === ''
      ? 'Give the role a name.'
      : trimmed.length > 100
        ? 'At most 100 characters.'
        : isNameTaken(trimmed)
          ? 'Another role already has this name.'
          : null;
  const dirty = useMemo(
    () =>
      name !== initial.name ||
      description !== initial.description ||
      selected.size !== initial.actions.length ||
      initial.actions.some((a) => !selected.has(a)),
    [name, description, selected, initial],
  );
  const discard = useDiscardGuard(dirty, onClose, 'role');
  const content = (): RoleContent => ({ name: trimmed, description, actions: [...selected].sort() });
  // Online, saving what the server already has would only bump its version: nothing to save.
  const unchanged =
    step === 'review' &&
    !draftMode &&
    review?.content != null &&
    review.content.name === trimmed &&
    review.content.description === description &&
    review.content.actions.length === selected.size &&
    review.content.actions.every((a) => selected.has(a));

  // Taking permissions from the console's own token needs the role's name typed (DESIGN §3.11).
  const loss = step === 'review' && !draftMode && ownLossFor ? ownLossFor([...selected]) : null;
  const lossConfirmed = loss === null || typedName === initial.name;

  const goReview = async () => {
    if (nameError) return;
    setStep('review');
    setError(null);
    setReview(null);
    try {
      setReview(await loadServerVersion());
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await onSave(content());
      onClose();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  const requestClose = () => {
    if (busy) return;
    if (step === 'review') setStep('edit');
    else discard.requestClose();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
      e.preventDefault();
      // Focus at once when the field is there, so keys typed right after Ctrl+F are not lost.
      if (searchRef.current) searchRef.current.focus();
      else {
        setStep('edit');
        requestAnimationFrame(() => searchRef.current?.focus());
      }
    } else if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !discard.prompting) {
      // Enter submits only from the name field (edit) or the review itself: Enter on a group,
      // a checkbox or the search field never jumps ahead, and a role with no actions is saved
      // only by clicking its explicit button.
      if (step === 'edit' && target.dataset['submitOnEnter'] === 'true') {
        e.preventDefault();
        void goReview();
      } else if (step === 'review' && (target === reviewRef.current || target.dataset['submitOnEnter'] === 'true')) {
        e.preventDefault();
        if (review && !busy && !unchanged && selected.size > 0 && lossConfirmed) void save();
      }
    }
  };

  return (
    <Dialog
      open
      onClose={requestClose}
      aria-labelledby={titleId}
      maxWidth="lg"
      fullWidth
      onKeyDown={onKeyDown}
      slotProps={{ paper: { sx: { height: '88vh' }, 'data-testid': 'role-dialog' } as object }}
    >
      <DialogTitle id={titleId} sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        {step === 'review' ? `Review changes — ${trimmed}` : title}
        {draftMode && <Chip size="small" color="warning" label="Draft — offline" data-testid="draft-badge" />}
      </DialogTitle>
      {step === 'edit' ? (
        <DialogContent dividers sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, p: 0, overflow: 'hidden' }}>
          <RoleFields
            name={name}
            description={description}
            nameError={nameError}
            showNameError={nameError !== null && name !== initial.name}
            onName={setName}
            onDescription={setDescription}
          />
          <SelectionToolbar
            query={query}
            onSearch={onSearch}
            searchRef={searchRef}
            selectedOnly={selectedOnly}
            onSelectedOnly={setSelectedOnly}
            searching={searching}
            group={searching ? null : group}
            groupCount={group ? (counts.get(group.id) ?? 0) : 0}
            results={items}
            selected={selected}
            dispatch={dispatch}
          />
          <Box sx={{ display: 'flex', flex: 1, minHeight: 0, borderTop: 1, borderColor: 'divider' }}>
            <GroupSidebar groups={index.groups} counts={counts} activeId={searching ? null : groupId} onSelect={onSelectGroup} />
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
                onToggle={onToggle}
                label={searching ? 'Matching actions' : `Actions in ${group?.name ?? ''}`}
              />
            )}
          </Box>
        </DialogContent>
      ) : (
        <DialogContent dividers tabIndex={-1} ref={focusOnMount} sx={{ outline: 'none' }}>
          {review ? (
            <>
              {selected.size === 0 && (
                <Alert severity="warning" sx={{ mb: 2 }} data-testid="no-actions-warning">
                  This role permits no action: a credential holding only this role is denied everything. Go back to pick actions, or save it
                  empty on purpose.
                </Alert>
              )}
              <RoleReview server={review.content} changedMeanwhile={review.changedMeanwhile} edited={content()} draftMode={draftMode} />
              {affects !== undefined && review.content && (
                <Typography sx={{ mt: 2 }} data-testid="role-affects">
                  {affects === 0
                    ? 'No credential holds this role yet.'
                    : `Affects ${affects} credential${affects === 1 ? '' : 's'} holding this role, at once.`}
                </Typography>
              )}
              {loss && (
                <Box sx={{ mt: 2 }}>
                  <Alert severity="warning" data-testid="lockout-warning">
                    Your own access: {lossSentence(loss)}
                  </Alert>
                  <TextField
                    label={`Type “${initial.name}” to confirm`}
                    value={typedName}
                    onChange={(e) => setTypedName(e.target.value)}
                    autoComplete="off"
                    fullWidth
                    sx={{ mt: 2 }}
                    slotProps={{ htmlInput: { 'data-testid': 'type-to-confirm', 'data-submit-on-enter': 'true', spellCheck: false } }}
                  />
                </Box>
              )}
            </>
          ) : (
            !error && <Typography>Comparing with the server…</Typography>
          )}
        </DialogContent>
      )}
      {error && (
        <Alert severity="error" sx={{ mx: 3, mt: 1 }} data-testid="role-dialog-error">
          {error}
        </Alert>
      )}
      <DialogActions>
        <Typography sx={{ flex: 1, pl: 2 }} color="text.secondary" data-testid="selected-count">
          {COUNT.format(selected.size)} of {COUNT.format(index.actions.length)} actions selected
        </Typography>
        {step === 'edit' ? (
          <>
            <Button onClick={requestClose}>Cancel</Button>
            <Button variant="contained" onClick={() => void goReview()} disabled={nameError !== null}>
              Review changes
            </Button>
          </>
        ) : (
          <>
            <Button onClick={() => setStep('edit')} disabled={busy}>
              Back
            </Button>
            <Button variant="contained" onClick={() => void save()} disabled={busy || !review || unchanged || !lossConfirmed}>
              {draftMode ? 'Save draft' : selected.size === 0 ? 'Save role with no actions' : 'Save role'}
            </Button>
          </>
        )}
      </DialogActions>
      {discard.prompt}
    </Dialog>
  );
}
