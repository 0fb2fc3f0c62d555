/**
 * The zod every schema here is written with: `zod/mini`, the functional API
 * whose unused parts a bundle leaves out (full `zod` is most of a function's
 * size and cold start). It loads no messages of its own, so this loads zod's
 * English ones, and only those: a check a schema does not word itself
 * (a length, a type, a key) reads exactly as it did with full `zod`.
 *
 * Import zod from here (`import * as z from './zod.js'`), never from `zod`
 * or `zod/mini` directly, so that the messages are loaded wherever a schema is.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
