/* global window, document, requestAnimationFrame, MutationObserver, HTMLInputElement */
// Injected into the role dialog bench page before its own scripts (page.addInitScript). It
// records long tasks and when the dialog first shows checkboxes, finds the dialog's controls by
// their roles and labels, and times interactions inside the page: "work" is the handler, React's
// render and commit (flushed in microtasks) and a forced style + layout; "frame" runs on to the
// next animation frame.
(() => {
  const longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // Long task timing unsupported: longestTaskSince reports -1.
  }

  let dialogSeenAt = null;
  const observer = new MutationObserver(() => {
    if (dialogSeenAt === null && document.querySelector('[role="dialog"] input[type="checkbox"]')) {
      dialogSeenAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });

  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const flushMicrotasks = async () => {
    for (let i = 0; i < 10; i += 1) await null;
  };
  const dialog = () => document.querySelector('[data-testid="role-dialog"]') ?? document.querySelector('[role="dialog"]') ?? document;
  const labelledBy = (input) => {
    const ids = input.getAttribute('aria-labelledby');
    return ids
      ? ids
          .split(/\s+/)
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' ')
      : '';
  };
  const labelOf = (input) =>
    input.getAttribute('aria-label') || input.labels?.[0]?.textContent || input.closest('label')?.textContent || labelledBy(input) || '';
  const checkboxes = () => [...dialog().querySelectorAll('input[type="checkbox"]')];
  const isAllBox = (input) => /\b(all|select all)\b/i.test(labelOf(input)) && !/selected only/i.test(labelOf(input));
  const isFilterBox = (input) => /selected only|show selected|only selected/i.test(labelOf(input));
  // The dialog's test ids first (renderer/roles/role-dialog), roles and labels as a fallback.
  const actionBoxes = () => {
    const list = dialog().querySelector('[data-testid="action-list"]');
    return list
      ? [...list.querySelectorAll('input[type="checkbox"]')]
      : checkboxes().filter((input) => !isAllBox(input) && !isFilterBox(input));
  };
  const allBox = () => dialog().querySelector('[data-testid="group-all"]') ?? checkboxes().find(isAllBox) ?? null;
  const searchInput = () =>
    dialog().querySelector('[data-testid="action-search"]') ??
    dialog().querySelector('input[type="search"]') ??
    [...dialog().querySelectorAll('input:not([type="checkbox"])')].find((input) =>
      /search|filter/i.test(`${input.placeholder ?? ''} ${input.getAttribute('aria-label') ?? ''} ${labelOf(input)}`),
    ) ??
    null;

  async function timed(action) {
    const start = performance.now();
    action();
    await flushMicrotasks();
    void document.body.offsetHeight;
    const work = performance.now() - start;
    await nextFrame();
    return { work, frame: performance.now() - start };
  }

  function setInputValue(input, value) {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    setter.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }

  /** Resolves when the dialog's DOM has not changed for `quietFrames` frames (or after 5 s). */
  async function settled(quietFrames = 3) {
    let changed = true;
    const watcher = new MutationObserver(() => {
      changed = true;
    });
    watcher.observe(dialog(), { childList: true, subtree: true, characterData: true, attributes: true });
    let quiet = 0;
    const start = performance.now();
    let lastChange = start;
    while (quiet < quietFrames && performance.now() - start < 5000) {
      await nextFrame();
      if (changed) {
        changed = false;
        quiet = 0;
        lastChange = performance.now();
      } else quiet += 1;
    }
    watcher.disconnect();
    return lastChange;
  }

  window.__keywardBench = {
    state() {
      const marks = performance
        .getEntriesByType('mark')
        .filter((e) => e.name.startsWith('keyward:role-dialog:'))
        .map((e) => ({ name: e.name, at: e.startTime }));
      const measures = performance
        .getEntriesByType('measure')
        .filter((e) => e.name.startsWith('keyward:role-dialog:'))
        .map((e) => ({ name: e.name, duration: e.duration }));
      return {
        dialogSeenAt,
        marks,
        measures,
        checkboxes: document.querySelectorAll('input[type="checkbox"]').length,
        actionBoxes: actionBoxes().length,
        hasAllBox: allBox() !== null,
        hasSearch: searchInput() !== null,
      };
    },
    async toggle(index) {
      const boxes = actionBoxes();
      if (boxes.length === 0) throw new Error('no action checkbox in the dialog');
      const box = boxes[index % boxes.length];
      return timed(() => box.click());
    },
    async selectAll() {
      const box = allBox();
      if (!box) throw new Error('no "all in group" checkbox in the dialog');
      const result = await timed(() => box.click());
      await settled();
      return { ...result, checkedAfter: actionBoxes().filter((b) => b.checked).length, mountedAfter: checkboxes().length };
    },
    firstActionLabel() {
      return labelOf(actionBoxes()[0] ?? document.body).trim();
    },
    /** Types `text` one character at a time; per keystroke the work, the frame and the time until the list settles. */
    async search(text) {
      const input = searchInput();
      if (!input) throw new Error('no search field in the dialog');
      input.focus();
      const since = performance.now();
      const keystrokes = [];
      let mountedMax = 0;
      for (let i = 1; i <= text.length; i += 1) {
        const start = performance.now();
        const result = await timed(() => setInputValue(input, text.slice(0, i)));
        const lastChange = await settled();
        mountedMax = Math.max(mountedMax, checkboxes().length);
        keystrokes.push({ ...result, settled: lastChange - start });
      }
      const matches = actionBoxes().length;
      await timed(() => setInputValue(input, ''));
      await settled();
      return { keystrokes, matches, mountedMax, since };
    },
    /** Durations of the page's own measure `keyward:role-dialog:<name>`, oldest first. */
    measures(name) {
      return performance.getEntriesByName(`keyward:role-dialog:${name}`, 'measure').map((e) => e.duration);
    },
    clearMeasures() {
      for (const e of performance.getEntriesByType('measure'))
        if (e.name.startsWith('keyward:role-dialog:')) performance.clearMeasures(e.name);
    },
    /** Reopens the dialog through the bench page's hook; resolves after the next frame. */
    async reopen() {
      if (!window.keywardBench?.open) throw new Error('the bench page has no window.keywardBench.open()');
      window.keywardBench.open();
      for (let i = 0; i < 200 && performance.getEntriesByName('keyward:role-dialog:open:frame', 'measure').length === 0; i += 1)
        await nextFrame();
      await nextFrame();
    },
    longestTaskSince(since) {
      if (!PerformanceObserver.supportedEntryTypes?.includes('longtask')) return -1;
      return longTasks.filter((t) => t.start + t.duration >= since).reduce((max, t) => Math.max(max, t.duration), 0);
    },
    now: () => performance.now(),
  };
})();
