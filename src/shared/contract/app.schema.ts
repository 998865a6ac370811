import { z } from 'zod';

export const appInfoSchema = z.object({
  name: z.literal('Fleetdeck'),
  version: z.string(),
  /** 'desktop' (Electron) or 'console' (browser console host). */
  host: z.enum(['desktop', 'console']),
  platform: z.string(),
  nodeVersion: z.string(),
  electronVersion: z.string().nullable(),
  sqliteVersion: z.string(),
  dataDir: z.string(),
  databaseFile: z.string(),
  startedAt: z.number().int(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const healthCheckSchema = z.object({
  name: z.string(),
  status: z.enum(['ok', 'warning', 'error']),
  detail: z.string(),
});
export type HealthCheck = z.infer<typeof healthCheckSchema>;

export const appHealthSchema = z.object({
  status: z.enum(['ok', 'warning', 'error']),
  checkedAt: z.number().int(),
  database: z.object({
    file: z.string(),
    schemaVersion: z.number().int(),
    sizeBytes: z.number().int(),
    walBytes: z.number().int(),
    journalMode: z.string(),
    quickCheck: z.string(),
  }),
  checks: z.array(healthCheckSchema),
});
export type AppHealth = z.infer<typeof appHealthSchema>;

/**
 * The status bar's feed. `dataFreshAt` is when the newest live figure arrived (null until any
 * source has delivered data); the renderer turns it into "live", "stale since 14:02", "offline".
 */
export const appStatusSchema = z.object({
  at: z.number().int(),
  dataDir: z.string(),
  database: z.object({
    status: z.enum(['ok', 'warning', 'error']),
    detail: z.string(),
  }),
  dataFreshAt: z.number().int().nullable(),
});
export type AppStatus = z.infer<typeof appStatusSchema>;
