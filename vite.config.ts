import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer builds to dist/renderer with relative asset paths, so the same files load from the
// Electron app:// protocol and from the loopback browser host. Two entries: the app itself and the
// role-dialog benchmark page (mounted alone with a synthetic catalog, no backend).
const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2023',
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: {
        main: `${root}/index.html`,
        bench: `${root}/bench/role-dialog-bench.html`,
      },
    },
  },
  server: { port: 5173, strictPort: false },
});
