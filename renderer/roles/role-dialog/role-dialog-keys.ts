import { useCallback, useRef, type KeyboardEvent, type RefObject } from 'react';

export interface RoleDialogKeyContext {
  step: 'edit' | 'review';
  searchRef: RefObject<HTMLInputElement | null>;
  reviewRef: RefObject<HTMLDivElement | null>;
  /** The discard prompt is up: Enter belongs to it. */
  prompting: boolean;
  setStep: (step: 'edit') => void;
  submitEdit: () => void;
  /** Saves when the review allows it. */
  submitReview: () => void;
}

/** Ctrl+F reaches the search from either step; Enter moves on only from the fields meant for it. */
export function onRoleDialogKey(e: KeyboardEvent<HTMLDivElement>, ctx: RoleDialogKeyContext) {
  const target = e.target as HTMLElement;
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
    e.preventDefault();
    // Focus at once when the field is there, so keys typed right after Ctrl+F are not lost.
    if (ctx.searchRef.current) ctx.searchRef.current.focus();
    else {
      ctx.setStep('edit');
      requestAnimationFrame(() => ctx.searchRef.current?.focus());
    }
  } else if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !ctx.prompting) {
    // Enter submits only from the name field (edit) or the review itself: Enter on a group,
    // a checkbox or the search field never jumps ahead, and a role with no actions is saved
    // only by clicking its explicit button.
    if (ctx.step === 'edit' && target.dataset['submitOnEnter'] === 'true') {
      e.preventDefault();
      ctx.submitEdit();
    } else if (ctx.step === 'review' && (target === ctx.reviewRef.current || target.dataset['submitOnEnter'] === 'true')) {
      e.preventDefault();
      ctx.submitReview();
    }
  }
}

/**
 * The review replaces the focused field; its content takes the focus on mount so Enter (save)
 * still reaches the dialog. Returns the ref the key handler compares with, and the callback ref.
 */
export function useReviewFocus() {
  const reviewRef = useRef<HTMLDivElement | null>(null);
  const focusOnMount = useCallback((el: HTMLDivElement | null) => {
    reviewRef.current = el;
    el?.focus();
  }, []);
  return { reviewRef, focusOnMount };
}
