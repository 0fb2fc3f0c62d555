/**
 * No eval: zod's JIT probes with `new Function`, which the page's CSP refuses
 * (and reports). Imported first by main.tsx, so it runs before any schema is built.
 */
import * as z from '#shared/runtime/zod.js';

z.config({ jitless: true });
