import { defineConfig } from "vite";

export default defineConfig({
  // assetpipe writes its output to public/, so Vite's own static folder
  // (by default also public/) is renamed: Vite must not copy assetpipe's
  // previous output into dist/.
  publicDir: "static",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    // Keep images as files (not inlined) so assetpipe makes WebP/AVIF variants.
    assetsInlineLimit: 0,
  },
});
