// Vite builds the studio into static/designer/ with stable file names that the Django template loads.
import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";
import { resolve } from "node:path";

// Node 20 (the README's minimum) has no Map.groupBy, which vitest's reporter calls when it
// prints a failure: without this the run crashes there and shows no assertion at all.
if (typeof (Map as unknown as { groupBy?: unknown }).groupBy !== "function") {
  (Map as unknown as { groupBy: unknown }).groupBy = <T, K>(items: Iterable<T>, key: (item: T, index: number) => K): Map<K, T[]> => {
    const groups = new Map<K, T[]>();
    let index = 0;
    for (const item of items) {
      const k = key(item, index++);
      const group = groups.get(k);
      if (group) group.push(item);
      else groups.set(k, [item]);
    }
    return groups;
  };
}

export default defineConfig({
  plugins: [react()],
  base: "/static/designer/",
  build: {
    outDir: resolve(__dirname, "../../static/designer"),
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      input: resolve(__dirname, "src/main.tsx"),
      output: {
        entryFileNames: "app.js",
        chunkFileNames: "chunks/[name]-[hash].js",
        assetFileNames: (info) => (info.names?.some((n) => n.endsWith(".css")) ? "app.css" : "assets/[name]-[hash][extname]"),
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
