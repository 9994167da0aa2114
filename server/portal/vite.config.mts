/**
 * The portal's build: Preact pages bundled by Vite into dist/portal, which the API server
 * serves at `/` (server/api/portal.ts). Nothing is loaded from elsewhere at run time: no CDN,
 * no web fonts, no inline scripts (the server's Content-Security-Policy refuses them).
 */
import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  base: "/",
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL("../../dist/portal", import.meta.url)),
    emptyOutDir: true,
    // The preload polyfill would be an inline script; every supported browser has modulepreload.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
