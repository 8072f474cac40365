import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The console is served by the control plane under /console, so every asset URL carries that base; the
 * build is self-contained (no CDN at run time).
 */
export default defineConfig({
  base: "/console/",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1024 },
});
