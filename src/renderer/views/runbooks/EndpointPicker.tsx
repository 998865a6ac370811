import { useMemo, useState, type KeyboardEvent } from 'react';
import type { Endpoint } from '../../../shared/contract/index';
import { useFleet } from '../../stores/fleet.store';
import { HealthBadge } from '../endpoints/endpoint-icons';

const healthRank: Record<Endpoint['health']['status'], number> = {
  critical: 0,
  warning: 1,
  unknown: 2,
  ok: 3,
};
const MAX_SHOWN = 8;

/**
 * Binds the runbook to an endpoint: search by name, model, cluster or region over the live
 * fleet the shell already holds (no extra call), the unhealthy ones first since those are the
 * ones a runbook is usually for.
 */
export function EndpointPicker({ value, onPick }: { value: string; onPick: (id: string) => void }) {
  const endpoints = useFleet((s) => s.endpoints);
  const chosen = endpoints.get(value);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const matches = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return [...endpoints.values()]
      .filter((e) => {
        const hay = `${e.id} ${e.name} ${e.model} ${e.version} ${e.cluster} ${e.region}`.toLowerCase();
        return words.every((w) => hay.includes(w));
      })
      .sort(
        (a, b) => healthRank[a.health.status] - healthRank[b.health.status] || a.name.localeCompare(b.name),
      )
      .slice(0, MAX_SHOWN);
  }, [endpoints, query]);

  const pick = (id: string) => {
    onPick(id);
    setQuery('');
    setOpen(false);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
      setActive((a) => Math.max(0, Math.min(matches.length - 1, a + (event.key === 'ArrowDown' ? 1 : -1))));
    } else if (event.key === 'Enter' && open && matches[active]) {
      event.preventDefault();
      pick(matches[active].id);
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      setOpen(false);
    }
  };

  return (
    <div className="rb-picker" data-testid="endpoint-picker">
      <div className="rb-picker-current" data-testid="endpoint-picked" data-endpoint-id={value || undefined}>
        {value ? (
          <>
            <strong>{chosen?.name ?? value}</strong>
            {chosen ? (
              <>
                {' '}
                <HealthBadge status={chosen.health.status} />{' '}
                <span className="muted">
                  {chosen.model} {chosen.version} · {chosen.cluster}
                  {chosen.namespace ? ` / ${chosen.namespace}` : ''}
                </span>
              </>
            ) : (
              <span className="muted"> (not in the fleet right now)</span>
            )}{' '}
            <button
              type="button"
              className="icon-button"
              onClick={() => onPick('')}
              data-testid="endpoint-unbind"
            >
              Unbind
            </button>
          </>
        ) : (
          <span className="muted">Not bound to an endpoint.</span>
        )}
      </div>
      <input
        className="control rb-picker-search"
        type="search"
        role="combobox"
        aria-expanded={open && matches.length > 0}
        aria-controls="rb-picker-options"
        aria-label="Find an endpoint to bind"
        placeholder="Find an endpoint (name, model, cluster)…"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
        data-testid="endpoint-search"
      />
      {open && matches.length > 0 ? (
        <ul className="rb-picker-options" id="rb-picker-options" role="listbox">
          {matches.map((e, i) => (
            <li
              key={e.id}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'rb-picker-option rb-row-active' : 'rb-picker-option'}
              // mousedown, not click: the input's blur would close the list before a click lands.
              onMouseDown={(event) => {
                event.preventDefault();
                pick(e.id);
              }}
              data-testid="endpoint-option"
              data-endpoint-id={e.id}
            >
              <span>{e.name}</span> <HealthBadge status={e.health.status} />{' '}
              <span className="muted">
                {e.model} · {e.cluster} · {e.region}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
