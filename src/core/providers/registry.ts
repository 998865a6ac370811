import type { ContextLister } from '../fleet/fleet-plane';
import { listKubeconfigContexts } from './kubernetes/kubeconfig.loader';
import { kubernetesProviderFactory } from './kubernetes/kubernetes.provider';
import { openaiProviderFactory } from './openai/openai.provider';
import { prometheusProviderFactory } from './prometheus/prometheus.provider';
import type { ProviderFactory } from './provider';
import { scrapeProviderFactory } from './scrape/scrape.provider';

/** Every source kind this build knows. Adding a kind: a folder under providers/ and a line here. */
export const providerFactories: readonly ProviderFactory[] = [
  kubernetesProviderFactory as ProviderFactory,
  prometheusProviderFactory as ProviderFactory,
  scrapeProviderFactory as ProviderFactory,
  openaiProviderFactory as ProviderFactory,
];

/** Kubeconfig contexts for Settings; a missing or malformed file is reported, not thrown. */
export const listContexts: ContextLister = async (kubeconfigPath) => {
  try {
    const found = listKubeconfigContexts(kubeconfigPath);
    return {
      files: found.files,
      contexts: found.contexts.map((c) => ({
        name: c.name,
        cluster: c.cluster,
        user: c.user ?? '',
        namespace: c.namespace,
      })),
      error: null,
    };
  } catch (error) {
    return { files: [], contexts: [], error: (error as Error).message };
  }
};
