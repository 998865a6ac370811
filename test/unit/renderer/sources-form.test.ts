import { describe, expect, it } from 'vitest';
import {
  buildSourceConfig,
  defaultSourceName,
  emptySourceForm,
  fieldIssues,
  neededSecretSlots,
  probesPerDay,
  secretName,
  slugify,
  sourceName,
  type SourceFormValues,
} from '../../../src/renderer/views/sources/source-form';
import {
  configSummary,
  secretRefsOf,
  sourceTimes,
  untilWords,
} from '../../../src/renderer/views/sources/source-status';
// The providers' own schemas (zod only, no Node): the form must build what they accept.
import { openaiConfigSchema } from '../../../src/core/providers/openai/openai.config';
import { prometheusConfigSchema } from '../../../src/core/providers/prometheus/prometheus.config';

const form = (over: (v: SourceFormValues) => void, kind: SourceFormValues['kind'] = 'kubernetes') => {
  const values = emptySourceForm(kind);
  over(values);
  return values;
};

describe('config built from the Add-source form', () => {
  it('Kubernetes: blank path and no contexts leave the defaults to the core; ticked contexts and namespaces are lists', () => {
    expect(buildSourceConfig(emptySourceForm('kubernetes'))).toEqual({});
    const values = form((v) => {
      v.kubernetes.kubeconfigPath = '  /data/demo/kubeconfig ';
      v.kubernetes.contexts = ['prod-us-east', 'staging'];
      v.kubernetes.namespaces = 'llm, embed  batch,';
    });
    expect(buildSourceConfig(values)).toEqual({
      kubeconfigPath: '/data/demo/kubeconfig',
      contexts: ['prod-us-east', 'staging'],
      namespaces: ['llm', 'embed', 'batch'],
    });
  });

  it('Prometheus: auth carries only the name of the stored secret, and each shape passes the provider schema', () => {
    const none = form((v) => (v.prometheus.url = ' http://prom:9090 '), 'prometheus');
    expect(buildSourceConfig(none)).toEqual({ url: 'http://prom:9090', auth: { type: 'none' } });

    const bearer = form((v) => {
      v.prometheus.url = 'http://prom:9090';
      v.prometheus.auth = 'bearer';
      v.secretRefs = { 'prometheus-token': 'prometheus-ops-token' };
    }, 'prometheus');
    expect(buildSourceConfig(bearer)).toEqual({
      url: 'http://prom:9090',
      auth: { type: 'bearer', tokenRef: 'prometheus-ops-token' },
    });

    const basic = form((v) => {
      v.prometheus.url = 'https://mimir.example/prometheus';
      v.prometheus.auth = 'basic';
      v.prometheus.username = ' grafana ';
      v.secretRefs = { 'prometheus-password': 'prometheus-ops-password' };
    }, 'prometheus');
    expect(buildSourceConfig(basic)).toEqual({
      url: 'https://mimir.example/prometheus',
      auth: { type: 'basic', username: 'grafana', passwordRef: 'prometheus-ops-password' },
    });
    for (const values of [none, bearer, basic]) {
      expect(prometheusConfigSchema.safeParse(buildSourceConfig(values)).success).toBe(true);
    }

    // A bearer token never stored: the config lacks the reference, and the core says which field.
    const unstored = form((v) => {
      v.prometheus.url = 'http://prom:9090';
      v.prometheus.auth = 'bearer';
    }, 'prometheus');
    const refused = prometheusConfigSchema.safeParse(buildSourceConfig(unstored));
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['auth', 'tokenRef']);
  });

  it('OpenAI-compatible: the key is a reference, the probe is off unless opted in, and its interval is a number', () => {
    const plain = form((v) => (v.openai.baseUrl = 'http://127.0.0.1:8000'), 'openai');
    expect(buildSourceConfig(plain)).toEqual({ baseUrl: 'http://127.0.0.1:8000', probe: { enabled: false } });

    const probed = form((v) => {
      v.openai.baseUrl = 'https://api.openai.com/v1';
      v.openai.probeEnabled = true;
      v.openai.probeIntervalSeconds = '600';
      v.secretRefs = { 'openai-api-key': 'openai-prod-api-key' };
    }, 'openai');
    expect(buildSourceConfig(probed)).toEqual({
      baseUrl: 'https://api.openai.com/v1',
      apiKeyRef: 'openai-prod-api-key',
      probe: { enabled: true, intervalSeconds: 600 },
    });
    for (const values of [plain, probed]) {
      expect(openaiConfigSchema.safeParse(buildSourceConfig(values)).success).toBe(true);
    }
  });

  it('Direct scrape: the interval goes as a number, or as typed when it is not one (the core then names it)', () => {
    expect(buildSourceConfig(form((v) => (v.scrape.intervalSeconds = ' 30 '), 'scrape'))).toEqual({
      intervalSeconds: 30,
    });
    expect(buildSourceConfig(form((v) => (v.scrape.intervalSeconds = 'soon'), 'scrape'))).toEqual({
      intervalSeconds: 'soon',
    });
    expect(buildSourceConfig(form((v) => (v.scrape.intervalSeconds = ''), 'scrape'))).toEqual({
      intervalSeconds: '',
    });
  });

  it('needs a secret only where the chosen kind and auth take one', () => {
    expect(neededSecretSlots(emptySourceForm('kubernetes'))).toEqual([]);
    expect(neededSecretSlots(emptySourceForm('scrape'))).toEqual([]);
    expect(neededSecretSlots(emptySourceForm('prometheus'))).toEqual([]);
    expect(neededSecretSlots(form((v) => (v.prometheus.auth = 'bearer'), 'prometheus'))).toEqual([
      'prometheus-token',
    ]);
    expect(neededSecretSlots(form((v) => (v.prometheus.auth = 'basic'), 'prometheus'))).toEqual([
      'prometheus-password',
    ]);
    expect(neededSecretSlots(emptySourceForm('openai'))).toEqual(['openai-api-key']);
  });

  it('suggests a name from what the form says, and uses it when the name is blank', () => {
    expect(defaultSourceName(form((v) => (v.kubernetes.contexts = ['a', 'b'])))).toBe('a, b');
    expect(defaultSourceName(form((v) => (v.kubernetes.contexts = ['a', 'b', 'c', 'd', 'e'])))).toBe(
      'a, b, c +2',
    );
    expect(
      defaultSourceName(form((v) => (v.prometheus.url = 'http://prom.monitoring:9090/'), 'prometheus')),
    ).toBe('Prometheus prom.monitoring:9090');
    expect(defaultSourceName(form((v) => (v.prometheus.url = 'not a url'), 'prometheus'))).toBe('Prometheus');
    expect(defaultSourceName(form((v) => (v.openai.baseUrl = 'https://api.openai.com/v1'), 'openai'))).toBe(
      'api.openai.com',
    );
    expect(sourceName(form((v) => (v.name = '  Prod clusters ')))).toBe('Prod clusters');
    expect(sourceName(emptySourceForm('scrape'))).toBe('Direct scrape');
  });

  it('says how many billed probes a day an interval means', () => {
    expect(probesPerDay('300')).toBe(288);
    expect(probesPerDay('30')).toBe(2880);
    expect(probesPerDay('0')).toBeNull();
    expect(probesPerDay('often')).toBeNull();
  });
});

describe('secret naming', () => {
  const valid = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/; // secrets.set's rule (src/shared/contract)

  it('names a secret after its kind, its source and what it is', () => {
    expect(secretName('prometheus-token', 'Prod Prometheus', [])).toBe('prometheus-prod-prometheus-token');
    expect(secretName('prometheus-password', 'Mimir (EU)', [])).toBe('prometheus-mimir-eu-password');
    expect(secretName('openai-api-key', 'OpenAI', [])).toBe('openai-openai-api-key');
    expect(secretName('openai-api-key', '!!!', [])).toBe('openai-source-api-key');
  });

  it('never takes a name that is in use: another source keeps its key', () => {
    const taken = ['prometheus-prod-token', 'prometheus-prod-token-2'];
    expect(secretName('prometheus-token', 'prod', taken)).toBe('prometheus-prod-token-3');
    expect(secretName('prometheus-token', 'prod', new Set(['prometheus-prod-token']))).toBe(
      'prometheus-prod-token-2',
    );
  });

  it('stays within what secrets.set accepts, however long the source name', () => {
    const long = 'A very long source name that goes on and on about which cluster it reads'.repeat(3);
    const names = [secretName('prometheus-password', long, []), secretName('openai-api-key', long, [])];
    const taken = Array.from({ length: 12 }, (_, i) => (i === 0 ? names[0]! : `${names[0]}-${i + 1}`));
    names.push(secretName('prometheus-password', long, taken));
    for (const name of names) {
      expect(name).toMatch(valid);
      expect(name.length).toBeLessThanOrEqual(64);
    }
    expect(names[2]).toMatch(/-13$/);
  });

  it('slugs like the core does for source ids', () => {
    expect(slugify('Demo clusters (copy)')).toBe('demo-clusters-copy');
    expect(slugify('--x--')).toBe('x');
    expect(slugify('')).toBe('source');
  });
});

describe("the core's refusal, field by field", () => {
  it('places each issue of a settings refusal beside the field it names', () => {
    const message =
      'Invalid prometheus source settings: url: Invalid URL; url: must be an http:// or https:// URL; auth.tokenRef: Too small: expected string to have >=1 characters';
    expect(fieldIssues('prometheus', message)).toEqual({
      url: 'Invalid URL; must be an http:// or https:// URL',
      token: 'Too small: expected string to have >=1 characters',
    });
  });

  it('reads the command-level refusal of a name too', () => {
    const message =
      'Invalid arguments for sources.add: name: Too small: expected string to have >=1 characters';
    expect(fieldIssues('kubernetes', message)).toEqual({
      name: 'Too small: expected string to have >=1 characters',
    });
  });

  it('maps nested and indexed paths per kind, and leaves unknown ones to the overall notice', () => {
    expect(
      fieldIssues(
        'kubernetes',
        'Invalid kubernetes source settings: namespaces.1: a namespace name: lower-case letters, digits and -; contexts.0: Too small',
      ),
    ).toEqual({ namespaces: 'a namespace name: lower-case letters, digits and -', contexts: 'Too small' });
    expect(
      fieldIssues(
        'openai',
        'Invalid openai source settings: probe.intervalSeconds: Too small: expected number to be >=30',
      ),
    ).toEqual({ probeInterval: 'Too small: expected number to be >=30' });
    expect(
      fieldIssues(
        'scrape',
        'Invalid scrape source settings: intervalSeconds: Too small: expected number to be >=1',
      ),
    ).toEqual({
      intervalSeconds: 'Too small: expected number to be >=1',
    });
    expect(fieldIssues('scrape', 'Invalid scrape source settings: concurrency: Too big')).toEqual({});
    expect(fieldIssues('prometheus', 'Prometheus at http://x/ is unreachable: connection refused')).toEqual(
      {},
    );
    expect(fieldIssues('prometheus', undefined)).toEqual({});
  });
});

describe('source rows', () => {
  const status = { state: 'error' as const, reason: 'down', lastOkAt: null, retryAt: 70_000 };

  it('says when a source was last OK and when it retries, in words', () => {
    const at = new Date(2025, 2, 14, 14, 2, 5).getTime();
    expect(sourceTimes({ ...status, lastOkAt: at, retryAt: at + 12_000 }, at, '24h')).toEqual({
      lastOk: 'last OK 14:02',
      retry: 'retry 14:02:17 (in 12 s)',
    });
    expect(sourceTimes(status, 80_000, '24h')).toEqual({ lastOk: 'never OK yet', retry: 'retrying' });
    expect(sourceTimes({ ...status, state: 'ok', lastOkAt: at }, at, '12h').retry).toBeNull();
    expect(untilWords(500)).toBe('now');
    expect(untilWords(3 * 60_000)).toBe('in 3 min');
  });

  it('finds the secrets a source refers to and summarises its config without them', () => {
    const prom = {
      kind: 'prometheus' as const,
      config: { url: 'http://p', auth: { type: 'bearer', tokenRef: 't' } },
    };
    expect(secretRefsOf(prom)).toEqual(['t']);
    expect(configSummary(prom)).toBe('http://p · bearer token');
    const openai = {
      kind: 'openai' as const,
      config: { baseUrl: 'http://o', apiKeyRef: 'k', probe: { enabled: false } },
    };
    expect(secretRefsOf(openai)).toEqual(['k']);
    expect(configSummary(openai)).toBe('http://o · API key stored · no synthetic probe');
    expect(configSummary({ kind: 'kubernetes', config: {} })).toBe(
      'KUBECONFIG or ~/.kube/config · every context',
    );
    expect(secretRefsOf({ config: {} })).toEqual([]);
  });
});
