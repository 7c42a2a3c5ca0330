// Performance marks for the role-dialog benchmarks (bench/ reads them with
// performance.getEntriesByName). Each measure spans from the user's input to React's commit of
// the result; the ":frame" variant runs on to the next animation frame.
export type RoleDialogInteraction = 'toggle' | 'search';

const OPEN_START = 'keyward:role-dialog:open:start';
const pending = new Set<RoleDialogInteraction>();

function measure(name: string, start: string) {
  try {
    performance.measure(name, start);
  } catch {
    // The start mark was cleared by someone else (e.g. a benchmark resetting marks): skip.
  }
}

export function markRoleDialogOpenStart(): void {
  performance.mark(OPEN_START);
}

/** Called once the dialog's first render with its catalog has committed. */
export function measureRoleDialogOpen(): void {
  if (performance.getEntriesByName(OPEN_START, 'mark').length === 0) return;
  measure('keyward:role-dialog:open', OPEN_START);
  requestAnimationFrame(() => {
    measure('keyward:role-dialog:open:frame', OPEN_START);
    performance.clearMarks(OPEN_START);
  });
}

export function startInteraction(kind: RoleDialogInteraction): void {
  pending.add(kind);
  performance.mark(`keyward:role-dialog:${kind}:start`);
}

/** Called from a layout effect after the interaction's state has committed. */
export function endInteraction(kind: RoleDialogInteraction): void {
  if (!pending.delete(kind)) return;
  const start = `keyward:role-dialog:${kind}:start`;
  measure(`keyward:role-dialog:${kind}`, start);
  requestAnimationFrame(() => measure(`keyward:role-dialog:${kind}:frame`, start));
}
