import type { Settings, Source, SourceStatus } from '../../../shared/contract/index';
import { formatClock } from '../../format/display-format';

/** Words for each state: the colour and icon only repeat them. */
export const stateWords: Record<SourceStatus['state'], string> = {
  connecting: 'Connecting',
  ok: 'OK',
  degraded: 'Degraded',
  error: 'Error',
  disabled: 'Disabled',
};

/** "in 12 s", "in 3 min", "now": how long until a retry. */
export function untilWords(ms: number): string {
  if (ms <= 1000) return 'now';
  const seconds = Math.round(ms / 1000);
  if (seconds < 90) return `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `in ${minutes} min`;
  return `in ${Math.round(minutes / 60)} h`;
}

/**
 * The time line under a source: "last OK 14:02 · retry 14:03:05 (in 12 s)". A source that was
 * never OK says so, which on call is worth knowing ("never worked" vs "broke at 14:02").
 */
export function sourceTimes(
  status: SourceStatus,
  now: number,
  timeFormat: Settings['timeFormat'],
): { lastOk: string; retry: string | null } {
  const lastOk =
    status.lastOkAt === null ? 'never OK yet' : `last OK ${formatClock(status.lastOkAt, timeFormat)}`;
  let retry: string | null = null;
  if (status.retryAt !== null && status.state !== 'ok') {
    retry =
      status.retryAt > now
        ? `retry ${formatClock(status.retryAt, timeFormat, true)} (${untilWords(status.retryAt - now)})`
        : 'retrying';
  }
  return { lastOk, retry };
}

const str = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

/** Names of the stored secrets a source's config refers to (never their values). */
export function secretRefsOf(source: Pick<Source, 'config'>): string[] {
  const config = source.config;
  const auth = config.auth && typeof config.auth === 'object' ? (config.auth as Record<string, unknown>) : {};
  return [str(config.apiKeyRef), str(auth.tokenRef), str(auth.passwordRef)].filter(
    (ref): ref is string => ref !== null,
  );
}

/** One line saying what a source reads, from its config (which never holds a secret). */
export function configSummary(source: Pick<Source, 'kind' | 'config'>): string {
  const c = source.config;
  switch (source.kind) {
    case 'kubernetes': {
      const file = str(c.kubeconfigPath) ?? 'KUBECONFIG or ~/.kube/config';
      const contexts = Array.isArray(c.contexts) ? (c.contexts as string[]) : null;
      const namespaces = Array.isArray(c.namespaces) ? (c.namespaces as string[]) : null;
      return [
        file,
        contexts ? `contexts ${contexts.join(', ')}` : 'every context',
        namespaces ? `namespaces ${namespaces.join(', ')}` : null,
      ]
        .filter(Boolean)
        .join(' · ');
    }
    case 'prometheus': {
      const auth = (c.auth as { type?: string; username?: string } | undefined) ?? {};
      const how =
        auth.type === 'bearer'
          ? 'bearer token'
          : auth.type === 'basic'
            ? `basic auth as ${auth.username ?? '?'}`
            : 'no auth';
      return `${str(c.url) ?? '?'} · ${how}`;
    }
    case 'openai': {
      const probe = c.probe as { enabled?: boolean; intervalSeconds?: number } | undefined;
      const key = str(c.apiKeyRef) ? 'API key stored' : 'no API key';
      const probeWords = probe?.enabled
        ? `synthetic probe every ${probe.intervalSeconds ?? 300} s`
        : 'no synthetic probe';
      return `${str(c.baseUrl) ?? '?'} · ${key} · ${probeWords}`;
    }
    case 'scrape':
      return `every ${typeof c.intervalSeconds === 'number' ? c.intervalSeconds : 15} s`;
  }
}
