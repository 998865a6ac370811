import { z } from 'zod';

// The CSP has no 'unsafe-eval'. Without this, zod probes `new Function` on its first parse; the
// probe's error is caught, but Chromium still reports a CSP violation on every page load.
// Imported first by main.tsx, before any schema is used.
z.config({ jitless: true });
