import { describe, expect, it } from 'vitest';
import { parseRoute } from '../../../src/renderer/routing/routes';
import {
  DEFAULT_TABLE_STATE,
  detailHash,
  detailIdOf,
  parseDetailRange,
  parseTableState,
  tableStateHash,
} from '../../../src/renderer/views/endpoints/url-state';

describe('endpoints url state', () => {
  it('round-trips the table state through the hash', () => {
    const state = {
      q: 'llama 70b',
      facets: {
        source: [],
        cluster: ['prod-us-east'],
        region: ['us-east-1', 'eu-west-1'],
        model: [],
        health: ['critical' as const],
      },
      sort: 'latency_p95' as const,
      order: 'desc' as const,
      group: 'model' as const,
    };
    const hash = tableStateHash(state);
    expect(hash).toBe(
      '#/endpoints?q=llama+70b&cluster=prod-us-east&region=us-east-1&region=eu-west-1&health=critical&sort=latency_p95&order=desc&group=model',
    );
    expect(parseTableState(hash)).toEqual(state);
  });

  it('leaves defaults out and reads the links other views make (?region=, ?model=, ?cluster=)', () => {
    expect(tableStateHash(DEFAULT_TABLE_STATE)).toBe('#/endpoints');
    const s = parseTableState('#/endpoints?region=us-east-1&model=a,b&cluster=c');
    expect(s.facets.region).toEqual(['us-east-1']);
    expect(s.facets.model).toEqual(['a', 'b']);
    expect(s.facets.cluster).toEqual(['c']);
  });

  it('falls back to defaults on unknown sort, order, group and health values', () => {
    const s = parseTableState('#/endpoints?sort=bogus&order=sideways&group=zone&health=purple,ok');
    expect(s.sort).toBe('name');
    expect(s.order).toBe('asc');
    expect(s.group).toBe('none');
    expect(s.facets.health).toEqual(['ok']);
  });

  it('routes #/endpoints and #/endpoints/<id>, and decodes ids with colons', () => {
    expect(parseRoute('#/endpoints?q=x')).toEqual({ view: 'endpoints' });
    const hash = detailHash('prod-us-east:serving:llama-70b', '6h');
    expect(hash).toBe('#/endpoints/prod-us-east%3Aserving%3Allama-70b?range=6h');
    expect(parseRoute(hash)).toEqual({ view: 'endpoint-detail' });
    expect(detailIdOf(hash)).toBe('prod-us-east:serving:llama-70b');
    expect(parseDetailRange(hash)).toBe('6h');
    expect(parseDetailRange('#/endpoints/x?range=2y')).toBe('1h');
    expect(detailIdOf('#/endpoints')).toBeNull();
    expect(parseRoute('#/endpoints/a/b')).toEqual({ view: 'not-found', path: '/endpoints/a/b' });
  });
});
