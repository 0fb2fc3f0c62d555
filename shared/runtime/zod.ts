/**
 * The zod every schema here is written with: `zod/mini`, the functional API
 * whose unused parts a bundle leaves out (full `zod` is most of a function's
 * size and cold start). It loads no messages of its own, so this loads zod's
 * English ones, and only those: a check a schema does not word itself
 * (a length, a type, a key) reads exactly as it did with full `zod`.
 *
 * Import zod from here (`import * as z from './zod.js'`), never from `zod`
 * or `zod/mini` directly, so that the messages are loaded wherever a schema is.
 *
 * The schemas of `requests.ts` and `key-schemas.ts` are each made in
 * `z.lazy` and marked pure: building schemas is most of zod's cost at a cold
 * start, so a function builds only the one a request checks, the first time
 * it checks it (the schema is the same, its messages and paths too), and a
 * bundle leaves out those its function never checks. The auth function's
 * two are made at once: `z.lazy` would cost its bundle more than it saves.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
