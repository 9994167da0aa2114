/**
 * The portal's build: Preact pages bundled by Vite into dist/portal, which the API server
 * serves at `/` (server/api/portal.ts). Nothing is loaded from elsewhere at run time: no CDN,
 * no web fonts, no inline scripts (the server's Content-Security-Policy refuses them).
 */
import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig, type Plugin } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

/**
 * The SDK reads the contracts' ABIs from the typechain factories, which also carry each
 * contract's deployment bytecode (about 57 KB of the bundle gzipped). The portal never deploys
 * a contract, so the bytecode is emptied in the bundle; the ABIs are untouched.
 */
function dropDeployBytecode(): Plugin {
  return {
    name: "drl-drop-deploy-bytecode",
    transform(code, id) {
      if (!/[\\/]typechain-types[\\/].*__factory\.ts$/.test(id)) return null;
      return { code: code.replace(/const _bytecode =\s*"0x[0-9a-fA-F]*";/, 'const _bytecode = "0x";'), map: null };
    },
  };
}

export default defineConfig({
  root: here,
  base: "/",
  plugins: [preact(), dropDeployBytecode()],
  build: {
    outDir: fileURLToPath(new URL("../../dist/portal", import.meta.url)),
    emptyOutDir: true,
    // The preload polyfill would be an inline script; every supported browser has modulepreload.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
