import type { FacetCounts } from './endpoint-rows';
import { healthWords } from './endpoint-icons';
import { facetKeys, type FacetKey } from './url-state';

const facetLabels: Record<FacetKey, string> = {
  source: 'Source',
  cluster: 'Cluster',
  region: 'Region',
  model: 'Model',
  health: 'Health',
};

/** Multi-select chips with counts, one group per facet (aria-pressed says what is picked). */
export function Facets({
  counts,
  selected,
  onToggle,
}: {
  counts: FacetCounts;
  selected: Record<FacetKey, string[]>;
  onToggle(key: FacetKey, value: string): void;
}) {
  return (
    <div className="facets" data-testid="facets">
      {facetKeys.map((key) => {
        const values = counts[key];
        if (values.length === 0) return null;
        return (
          <div className="facet" role="group" aria-label={facetLabels[key]} key={key} data-facet={key}>
            <span className="facet-label">{facetLabels[key]}</span>
            {values.map(({ value, count }) => {
              const on = selected[key].includes(value);
              return (
                <button
                  type="button"
                  key={value}
                  className={`chip${on ? ' chip-on' : ''}${key === 'health' ? ` chip-health-${value}` : ''}`}
                  aria-pressed={on}
                  onClick={() => onToggle(key, value)}
                  data-testid={`facet-${key}`}
                  data-value={value}
                >
                  {on ? <span aria-hidden="true">✓ </span> : null}
                  {key === 'health' ? (healthWords[value as keyof typeof healthWords] ?? value) : value}
                  <span className="chip-count">{count}</span>
                </button>
              );
            })}
          </div>
        );
      })}
    </div>
  );
}
