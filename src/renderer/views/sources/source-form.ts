import type { SourceKind } from '../../../shared/contract/index';

/**
 * The Add-source form as plain data, and the pure steps from it to `sources.add` arguments.
 * Field names follow the providers' config schemas (src/core/providers/<kind>/*.config.ts and
 * kubernetes.provider.ts); the core validates, and its reasons are placed beside the fields
 * they name (`fieldIssues`). Secret values are never part of these values: the form holds them
 * only until they are stored with `secrets.set`, and the config carries the secret's name.
 */

/** A secret the form may need, one per place a key is typed. */
export type SecretSlot = 'prometheus-token' | 'prometheus-password' | 'openai-api-key';

export type PrometheusAuthType = 'none' | 'bearer' | 'basic';

export interface SourceFormValues {
  kind: SourceKind;
  /** Blank means the suggested name (defaultSourceName). */
  name: string;
  kubernetes: {
    /** Blank means KUBECONFIG, else ~/.kube/config. */
    kubeconfigPath: string;
    /** Ticked contexts, from `sources.contexts`; never typed in. */
    contexts: string[];
    /** Comma- or space-separated; blank means every namespace. */
    namespaces: string;
  };
  prometheus: { url: string; auth: PrometheusAuthType; username: string };
  openai: { baseUrl: string; probeEnabled: boolean; probeIntervalSeconds: string };
  scrape: { intervalSeconds: string };
  /** Names of secrets already stored for this draft (never their values). */
  secretRefs: Partial<Record<SecretSlot, string>>;
}

export const emptySourceForm = (kind: SourceKind = 'kubernetes'): SourceFormValues => ({
  kind,
  name: '',
  kubernetes: { kubeconfigPath: '', contexts: [], namespaces: '' },
  prometheus: { url: '', auth: 'none', username: '' },
  openai: { baseUrl: '', probeEnabled: false, probeIntervalSeconds: '300' },
  scrape: { intervalSeconds: '15' },
  secretRefs: {},
});

export interface KindChoice {
  kind: SourceKind;
  label: string;
  /** One line for the kind picker. */
  description: string;
}

export const kindChoices: readonly KindChoice[] = [
  {
    kind: 'kubernetes',
    label: 'Kubernetes',
    description:
      'Clusters from a kubeconfig: GPU nodes, model-server workloads and KServe services, read-only.',
  },
  {
    kind: 'prometheus',
    label: 'Prometheus-compatible',
    description:
      'Prometheus, Thanos, Mimir or VictoriaMetrics: latency, errors, tokens and GPU figures at any scale.',
  },
  {
    kind: 'openai',
    label: 'OpenAI-compatible API',
    description: 'A hosted API or a self-hosted vLLM/TGI/LiteLLM server: models, health and rate limits.',
  },
  {
    kind: 'scrape',
    label: 'Direct scrape',
    description: "Reads each model-server pod's /metrics itself; for small fleets without Prometheus.",
  },
];

export const kindLabel = (kind: SourceKind): string =>
  kindChoices.find((choice) => choice.kind === kind)?.label ?? kind;

/** The same slug rule the core uses for source ids, so a secret's name matches its source. */
export function slugify(text: string, max = 40): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, max)
      .replace(/-$/, '') || 'source'
  );
}

const slotParts: Record<SecretSlot, { prefix: string; suffix: string }> = {
  'prometheus-token': { prefix: 'prometheus', suffix: 'token' },
  'prometheus-password': { prefix: 'prometheus', suffix: 'password' },
  'openai-api-key': { prefix: 'openai', suffix: 'api-key' },
};

/** secrets.set accepts `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`. */
export const SECRET_NAME_MAX = 64;

/**
 * A name for a newly typed secret: `prometheus-<source slug>-token`, and `-2`, `-3`… when that
 * name is taken, so a new source never overwrites another source's key.
 */
export function secretName(slot: SecretSlot, sourceName: string, taken: Iterable<string>): string {
  const { prefix, suffix } = slotParts[slot];
  const used = new Set(taken);
  // Room for the prefix, the suffix, three dashes and a "-NN" counter.
  const room = SECRET_NAME_MAX - prefix.length - suffix.length - 2 - 4;
  const base = `${prefix}-${slugify(sourceName, room)}-${suffix}`;
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!used.has(candidate)) return candidate;
  }
}

/** The secrets this form's current choices need (typed now or stored earlier). */
export function neededSecretSlots(values: SourceFormValues): SecretSlot[] {
  if (values.kind === 'prometheus') {
    if (values.prometheus.auth === 'bearer') return ['prometheus-token'];
    if (values.prometheus.auth === 'basic') return ['prometheus-password'];
    return [];
  }
  // The API key is optional: servers without auth need none.
  if (values.kind === 'openai') return ['openai-api-key'];
  return [];
}

/** The name a blank name field stands for; shown as its placeholder. */
export function defaultSourceName(values: SourceFormValues): string {
  const host = (url: string) => {
    try {
      return new URL(url.trim()).host;
    } catch {
      return '';
    }
  };
  switch (values.kind) {
    case 'kubernetes': {
      const contexts = values.kubernetes.contexts;
      if (contexts.length === 0) return 'Kubernetes';
      const shown = contexts.slice(0, 3).join(', ');
      return contexts.length > 3 ? `${shown} +${contexts.length - 3}` : shown;
    }
    case 'prometheus': {
      const h = host(values.prometheus.url);
      return h ? `Prometheus ${h}` : 'Prometheus';
    }
    case 'openai':
      return host(values.openai.baseUrl) || 'OpenAI-compatible API';
    case 'scrape':
      return 'Direct scrape';
  }
}

export const sourceName = (values: SourceFormValues): string =>
  values.name.trim() || defaultSourceName(values);

/** A number field goes to the core as a number when it parses, as typed otherwise (its reason then names it). */
export function numberValue(draft: string): number | string {
  const trimmed = draft.trim();
  const parsed = trimmed === '' ? Number.NaN : Number(trimmed);
  return Number.isFinite(parsed) ? parsed : trimmed;
}

const splitList = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);

/**
 * The `config` for sources.add / sources.test. Blank optional fields are left out so the
 * core's defaults apply; secrets appear only as references (`tokenRef`, `apiKeyRef`).
 */
export function buildSourceConfig(values: SourceFormValues): Record<string, unknown> {
  const refs = values.secretRefs;
  switch (values.kind) {
    case 'kubernetes': {
      const k = values.kubernetes;
      const config: Record<string, unknown> = {};
      if (k.kubeconfigPath.trim()) config.kubeconfigPath = k.kubeconfigPath.trim();
      if (k.contexts.length > 0) config.contexts = [...k.contexts];
      const namespaces = splitList(k.namespaces);
      if (namespaces.length > 0) config.namespaces = namespaces;
      return config;
    }
    case 'prometheus': {
      const p = values.prometheus;
      const url = p.url.trim();
      if (p.auth === 'bearer') return { url, auth: { type: 'bearer', tokenRef: refs['prometheus-token'] } };
      if (p.auth === 'basic') {
        return {
          url,
          auth: { type: 'basic', username: p.username.trim(), passwordRef: refs['prometheus-password'] },
        };
      }
      return { url, auth: { type: 'none' } };
    }
    case 'openai': {
      const o = values.openai;
      const config: Record<string, unknown> = {
        baseUrl: o.baseUrl.trim(),
        probe: o.probeEnabled
          ? { enabled: true, intervalSeconds: numberValue(o.probeIntervalSeconds) }
          : { enabled: false },
      };
      if (refs['openai-api-key']) config.apiKeyRef = refs['openai-api-key'];
      return config;
    }
    case 'scrape':
      return { intervalSeconds: numberValue(values.scrape.intervalSeconds) };
  }
}

/** Form fields an issue can sit beside. */
export type FormField =
  | 'name'
  | 'kubeconfigPath'
  | 'contexts'
  | 'namespaces'
  | 'url'
  | 'auth'
  | 'username'
  | 'token'
  | 'password'
  | 'baseUrl'
  | 'apiKey'
  | 'probeInterval'
  | 'intervalSeconds';

/** Issue paths (as the core's describeIssues writes them) to the field that shows them. */
function fieldFor(kind: SourceKind, path: string): FormField | null {
  const p = path.replace(/^config\./, '');
  if (p === 'name') return 'name';
  const head = p.split('.')[0];
  switch (kind) {
    case 'kubernetes':
      if (head === 'kubeconfigPath' || head === 'contexts' || head === 'namespaces') return head;
      return null;
    case 'prometheus':
      if (head === 'url') return 'url';
      if (p === 'auth.tokenRef') return 'token';
      if (p === 'auth.passwordRef') return 'password';
      if (p === 'auth.username') return 'username';
      return head === 'auth' ? 'auth' : null;
    case 'openai':
      if (head === 'baseUrl') return 'baseUrl';
      if (head === 'apiKeyRef') return 'apiKey';
      if (head === 'probe') return 'probeInterval';
      return null;
    case 'scrape':
      return head === 'intervalSeconds' ? 'intervalSeconds' : null;
  }
}

/**
 * Splits the core's refusal ("Invalid prometheus source settings: url: Invalid URL; auth.tokenRef:
 * Too small…", or "Invalid arguments for sources.add: name: Too small…") into the fields it names.
 * Issues about the same field are joined; ones no field shows stay in the overall notice.
 */
export function fieldIssues(
  kind: SourceKind,
  message: string | undefined,
): Partial<Record<FormField, string>> {
  const issues: Partial<Record<FormField, string>> = {};
  if (!message) return issues;
  const pattern = /(?:^|: |; )([A-Za-z][\w]*(?:\.[\w]+)*): ([^;]+)/g;
  for (const match of message.matchAll(pattern)) {
    const field = fieldFor(kind, match[1] ?? '');
    const text = (match[2] ?? '').trim();
    if (!field || !text) continue;
    issues[field] = issues[field] ? `${issues[field]}; ${text}` : text;
  }
  return issues;
}

/** Probes per day at an interval, for the "this costs money" note. */
export function probesPerDay(intervalSeconds: string): number | null {
  const value = numberValue(intervalSeconds);
  return typeof value === 'number' && value > 0 ? Math.round(86_400 / value) : null;
}
