import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// The service serves dist/web: hashed files under /assets are cached for a year, the html pages never.
// Two pages: the signed-in app (index.html) and the public /verify page (verify.html), which loads on
// its own small bundle.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact({ prerender: { enabled: false } })],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    // No inline scripts or styles: the Content-Security-Policy allows neither.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    rollupOptions: {
      input: { app: `${import.meta.dirname}/index.html`, verify: `${import.meta.dirname}/verify.html` },
    },
  },
});
