import { z } from 'zod';

export const demoFaultKinds = [
  'latency_spike',
  'error_burst',
  'crash_loop',
  'gpu_xid',
  'traffic_surge',
  'cost_spike',
] as const;

export const demoFaultArgsSchema = z
  .object({
    kind: z.enum(demoFaultKinds),
    /** An endpoint id, or a node name for gpu_xid. */
    target: z.string().min(1),
    durationS: z
      .number()
      .int()
      .min(1)
      .max(24 * 3600)
      .default(300),
  })
  .strict();

export const demoFaultSchema = z.object({
  kind: z.enum(demoFaultKinds),
  target: z.string(),
  startedAt: z.number().int(),
  endsAt: z.number().int(),
});
export type DemoFaultInfo = z.infer<typeof demoFaultSchema>;
