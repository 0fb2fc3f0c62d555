/** The repository's root (local/..), from a module that loads nothing else: `npm start` needs it before the stack loads. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
