import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  plugins: [react()],
  resolve: { alias: { '#shared': path.resolve(here, '../shared') } },
  build: { outDir: path.resolve(here, 'dist'), emptyOutDir: true, sourcemap: true },
});
