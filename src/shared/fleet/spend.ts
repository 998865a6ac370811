/**
 * Cost math, pure. GPU endpoints cost their allocated GPUs times the node's price per GPU;
 * hosted APIs cost their token rates times the model's token prices.
 */
export interface GpuAllocation {
  /** GPUs held by the endpoint's scheduled pods on this node. */
  gpus: number;
  /** The node's price per hour and how many GPUs it has. */
  nodeHourlyUsd: number | null;
  nodeGpus: number;
}

/** USD per hour for GPUs held, summed over nodes; null when no price is known for any of them. */
export function gpuSpendPerHour(allocations: readonly GpuAllocation[]): number | null {
  let total = 0;
  let priced = false;
  for (const a of allocations) {
    if (a.nodeHourlyUsd === null || a.nodeGpus <= 0) continue;
    total += (a.gpus * a.nodeHourlyUsd) / a.nodeGpus;
    priced = true;
  }
  return priced ? total : null;
}

/** USD per hour from token rates (tokens/s) and prices in USD per 1M tokens. */
export function tokenSpendPerHour(
  tokensInPerS: number,
  tokensOutPerS: number,
  price: { input: number; output: number },
): number {
  return ((tokensInPerS * price.input + tokensOutPerS * price.output) * 3600) / 1_000_000;
}

/** USD for one interval at a spend rate: the integral the "today" totals are built from. */
export const spendOver = (usdPerHour: number, ms: number) => (usdPerHour * ms) / 3_600_000;

/** The local calendar day a timestamp falls in, as YYYY-MM-DD (the console machine's zone). */
export function localDay(ts: number): string {
  const d = new Date(ts);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
