import { z } from 'zod';

/**
 * Settings of an OpenAI-compatible source: a hosted API or a self-hosted server (vLLM, TGI's
 * Messages API, LiteLLM, the demo fleet). The key is a reference into the secret store.
 */
export const openaiConfigSchema = z
  .object({
    /** The API base as OpenAI clients take it, e.g. https://api.openai.com/v1; `/v1` is added if absent. */
    baseUrl: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL'),
    /** Secret-store reference of the API key; omit for servers without auth. */
    apiKeyRef: z.string().min(1).optional(),
    /** Models to list as endpoints; default every model /v1/models returns. */
    models: z.array(z.string().min(1)).min(1).optional(),
    /** Extra request headers (OpenAI-Organization, OpenAI-Project). Not for secrets. */
    headers: z.record(z.string(), z.string()).optional(),
    /** The health probe: GET /v1/models, which costs nothing. */
    healthIntervalSeconds: z.number().min(5).max(3600).default(60),
    timeoutSeconds: z.number().min(0.1).max(300).default(10),
    /**
     * The synthetic probe: a tiny streaming chat completion measuring time to first token and
     * total latency. Off by default because every probe is a billed request.
     */
    probe: z
      .object({
        enabled: z.boolean().default(false),
        intervalSeconds: z.number().min(30).max(86_400).default(300),
        prompt: z.string().min(1).max(2000).default('Reply with the single word: ok'),
        maxTokens: z.number().int().min(1).max(256).default(8),
        /** Models to probe; default the first chat-capable listed model (each probe costs money). */
        models: z.array(z.string().min(1)).optional(),
        /** Probes kept per model for the p50/p95 shown (a rolling window, not user traffic). */
        window: z.number().int().min(1).max(1000).default(20),
      })
      .strict()
      .default({
        enabled: false,
        intervalSeconds: 300,
        prompt: 'Reply with the single word: ok',
        maxTokens: 8,
        window: 20,
      }),
    /** Region shown on the endpoints (hosted APIs have none of their own). */
    region: z.string().min(1).optional(),
    /** USD per million tokens, per model, for spend (copied onto each endpoint per token). */
    tokenPrices: z
      .record(
        z.string(),
        z.object({ inputPerMTok: z.number().min(0), outputPerMTok: z.number().min(0) }).strict(),
      )
      .optional(),
  })
  .strict();

export type OpenAIConfig = z.output<typeof openaiConfigSchema>;

/** The `/v1` base every path hangs off: "https://host/v1", whether or not the user typed /v1. */
export function apiBase(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return /\/v\d+$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}
