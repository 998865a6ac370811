import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { SpinnerIcon } from '../../components/icons';
import type { FaultKind, FaultTargetsState } from '../../stores/demo.slice';
import { useFleet } from '../../stores/fleet.store';

/**
 * A combobox over fault targets: endpoint ids from fleet.endpoints (searched by the core), or
 * GPU node names for gpu_xid. The text box is the value, so an id pasted from elsewhere works;
 * the core says when it does not exist. Arrow keys move through the list, Enter picks, Esc closes.
 */
export function TargetPicker({
  kind,
  value,
  invalid,
  onChange,
}: {
  kind: FaultKind;
  value: string;
  invalid: boolean;
  onChange: (value: string) => void;
}) {
  const targets = useFleet((s) => s.faultTargets);
  const search = useFleet((s) => s.searchFaultTargets);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listId = useId();
  const nodes = kind === 'gpu_xid';

  // Searched on the core as the text changes, a moment after typing stops.
  useEffect(() => {
    const timer = window.setTimeout(() => void search(kind, value), 150);
    return () => window.clearTimeout(timer);
  }, [kind, value, search]);

  const items = targets.items;
  const shown = open && (items.length > 0 || targets.loading);
  const pick = (target: string) => {
    onChange(target);
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) setOpen(true);
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (items.length === 0 ? -1 : (i + step + items.length) % items.length));
    } else if (event.key === 'Enter' && open && active >= 0 && items[active]) {
      // Enter picks the highlighted target; with nothing highlighted it submits the form.
      event.preventDefault();
      pick(items[active].value);
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      setActive(-1);
    }
  };

  return (
    <div className="combobox">
      <input
        className="control control-wide control-mono"
        type="text"
        role="combobox"
        id="fault-target"
        name="fault-target"
        data-testid="fault-target"
        autoComplete="off"
        spellCheck={false}
        placeholder={nodes ? 'prod-us-east-h100-0' : 'prod-us-east:llm:llama-8b-chat'}
        value={value}
        aria-expanded={shown}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={shown && active >= 0 ? `${listId}-${active}` : undefined}
        aria-invalid={invalid || undefined}
        aria-describedby="fault-target-desc"
        onChange={(e) => {
          onChange(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      <ul
        className="combobox-list"
        role="listbox"
        id={listId}
        hidden={!shown}
        aria-label={nodes ? 'GPU nodes' : 'Endpoints'}
        data-testid="fault-target-options"
      >
        {targets.loading && items.length === 0 ? (
          <li className="combobox-empty" role="presentation">
            <SpinnerIcon /> Searching…
          </li>
        ) : null}
        {items.map((item, i) => (
          <li
            key={item.value}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className={`combobox-option${i === active ? ' is-active' : ''}`}
            data-testid="fault-target-option"
            data-value={item.value}
            // mousedown, not click: the input's blur would close the list first.
            onMouseDown={(e) => {
              e.preventDefault();
              pick(item.value);
            }}
          >
            <span className="combobox-value">{item.value}</span>
            <span className="combobox-detail">{item.detail}</span>
          </li>
        ))}
      </ul>
      <p className="field-help" id="fault-target-desc" data-testid="fault-target-summary">
        {summary(targets, value, nodes)}{' '}
        {nodes ? 'A node name, as in kubectl get nodes.' : 'An endpoint id: <cluster>:<namespace>:<name>.'}
      </p>
    </div>
  );
}

/** "3 endpoints match; the first 50 are listed." for the search that answers the current text. */
function summary(targets: FaultTargetsState, value: string, nodes: boolean): string {
  if (targets.error) return `Could not search: ${targets.error.message}`;
  if (targets.loading || targets.query?.text !== value) return 'Searching…';
  const n = targets.total;
  const noun = nodes ? (n === 1 ? 'GPU node' : 'GPU nodes') : n === 1 ? 'endpoint' : 'endpoints';
  const listed = n > targets.items.length ? `; the first ${targets.items.length} are listed` : '';
  return `${n} ${noun} ${n === 1 ? 'matches' : 'match'}${listed}.`;
}
