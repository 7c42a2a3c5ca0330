import { memo } from 'react';
import type { IndexedAction } from './catalog-index.ts';

export const ROW_HEIGHT = 52;

interface Props {
  action: IndexedAction;
  index: number;
  start: number;
  checked: boolean;
  tabbable: boolean;
  showGroup: boolean;
  onToggle: (id: string) => void;
}

/**
 * One action checkbox. A native input (styled by the list) rather than MUI's Checkbox: a row is
 * mounted on every scroll step, and memo keeps a toggle from re-rendering any other row.
 */
export const ActionRow = memo(function ActionRow({ action, index, start, checked, tabbable, showGroup, onToggle }: Props) {
  const descId = `action-desc-${index}`;
  return (
    <div className="kw-row" data-index={index} style={{ transform: `translateY(${start}px)` }}>
      <label className="kw-row-label">
        <input
          type="checkbox"
          checked={checked}
          tabIndex={tabbable ? 0 : -1}
          onChange={() => onToggle(action.id)}
          aria-describedby={descId}
          data-action-id={action.id}
        />
        <span className="kw-row-text">
          <span className="kw-row-id">
            {action.id}
            {showGroup && <span className="kw-row-group">{action.groupName}</span>}
          </span>
          <span className="kw-row-desc" id={descId}>
            {action.description || 'No description'}
          </span>
        </span>
      </label>
    </div>
  );
});
