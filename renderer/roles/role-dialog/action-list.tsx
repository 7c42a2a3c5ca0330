import { Box } from '@mui/material';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useRef, useState, type KeyboardEvent } from 'react';
import { ActionRow, ROW_HEIGHT } from './action-row.tsx';
import type { IndexedAction } from './catalog-index.ts';

interface Props {
  items: readonly IndexedAction[];
  selected: ReadonlySet<string>;
  showGroup: boolean;
  onToggle: (id: string) => void;
  label: string;
  listRef?: React.RefObject<HTMLDivElement | null>;
}

const PAGE = 8;

/**
 * The virtualized checkbox list: only the rows in view (plus a few) exist in the DOM, so 5,000
 * actions cost the same as 20. Keyboard: arrows, Home/End, PageUp/PageDown move a roving focus;
 * Space toggles (the native checkbox does it).
 */
export function ActionList({ items, selected, showGroup, onToggle, label, listRef }: Props) {
  const ownRef = useRef<HTMLDivElement | null>(null);
  const scrollRef = listRef ?? ownRef;
  const [active, setActive] = useState(0);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const activeIndex = Math.min(active, Math.max(0, items.length - 1));

  // The row keyboard commands apply to. Set before focus actually moves (a frame later, once the
  // virtualizer has rendered the row), so fast key repeats never act on a stale row.
  const cursor = useRef<number | null>(null);

  const focusRow = useCallback(
    (i: number) => {
      cursor.current = i;
      setActive(i);
      virtualizer.scrollToIndex(i, { align: 'auto' });
      let tries = 0;
      const attempt = () => {
        const input = scrollRef.current?.querySelector<HTMLInputElement>(`[data-index="${i}"] input`);
        if (input) input.focus({ preventScroll: true });
        else if (tries++ < 5) requestAnimationFrame(attempt);
      };
      requestAnimationFrame(attempt);
    },
    [virtualizer, scrollRef],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    const last = items.length - 1;
    const current = Math.min(cursor.current ?? (row ? Number(row.dataset.index) : activeIndex), last);
    if (e.key === ' ') {
      // Toggle the cursor's row ourselves rather than the natively focused one (see cursor).
      e.preventDefault();
      const action = items[current];
      if (action) onToggle(action.id);
      return;
    }
    const moves: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current - 1,
      Home: 0,
      End: last,
      PageDown: current + PAGE,
      PageUp: current - PAGE,
    };
    const target = moves[e.key];
    if (target === undefined || last < 0) return;
    e.preventDefault();
    focusRow(Math.max(0, Math.min(last, target)));
  };

  const onFocus = (e: React.FocusEvent<HTMLDivElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (row) {
      cursor.current = Number(row.dataset.index);
      setActive(cursor.current);
    }
  };

  return (
    <Box
      ref={scrollRef}
      role="group"
      aria-label={label}
      onKeyDown={onKeyDown}
      onKeyUp={(e) => e.key === ' ' && e.preventDefault()}
      onFocus={onFocus}
      data-testid="action-list"
      sx={(t) => ({
        flex: 1,
        overflow: 'auto',
        position: 'relative',
        contain: 'strict',
        '& .kw-row': {
          position: 'absolute',
          top: 0,
          left: 0,
          right: 0,
          height: ROW_HEIGHT,
          borderBottom: `1px solid ${t.palette.divider}`,
        },
        '& .kw-row-label': { display: 'flex', alignItems: 'center', gap: 1.5, height: '100%', px: 1.5, cursor: 'pointer' },
        '& .kw-row-label:hover': { bgcolor: t.palette.action.hover },
        '& .kw-row-label:focus-within': {
          bgcolor: t.palette.action.selected,
          outline: `2px solid ${t.palette.primary.main}`,
          outlineOffset: -2,
        },
        '& input': { width: 18, height: 18, accentColor: t.palette.primary.main, flexShrink: 0, m: 0 },
        '& input:focus-visible': { outline: 'none' },
        '& .kw-row-text': { display: 'flex', flexDirection: 'column', minWidth: 0 },
        '& .kw-row-id': {
          fontFamily: 'ui-monospace, Menlo, Consolas, monospace',
          fontSize: 13,
          whiteSpace: 'nowrap',
          overflow: 'hidden',
          textOverflow: 'ellipsis',
        },
        '& .kw-row-group': {
          ml: 1,
          px: 0.75,
          py: '1px',
          borderRadius: 1,
          fontFamily: t.typography.fontFamily,
          fontSize: 11,
          bgcolor: t.palette.action.selected,
          color: t.palette.text.primary,
        },
        '& .kw-row-desc': {
          fontSize: 12.5,
          color: t.palette.text.secondary,
          whiteSpace: 'nowrap',
          overflow: 'hidden',
          textOverflow: 'ellipsis',
        },
      })}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((v) => {
          const action = items[v.index]!;
          return (
            <ActionRow
              key={action.id}
              action={action}
              index={v.index}
              start={v.start}
              checked={selected.has(action.id)}
              tabbable={v.index === activeIndex}
              showGroup={showGroup}
              onToggle={onToggle}
            />
          );
        })}
      </div>
    </Box>
  );
}
