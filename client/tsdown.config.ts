import { defineConfig } from "tsdown";

/**
 * `npm run build` (run by the root's `npm install` and by `npm pack`): ES modules and bundled
 * declarations in dist/, which are what the package exports, so an app's compiler settings never
 * apply to our source. tsdown over tsup: tsup's maintainers point to it, it builds on Rolldown as our
 * Vite does, and it bundles the `.d.ts` itself. Pinned to 0.21: later lines need Node 22.18, and our
 * engines allow 22.17.
 * Dependencies and peer dependencies (react, urql) stay imports, so the app's own copies are used.
 */
export default defineConfig({
  entry: ["src/index.ts"],
  format: "esm",
  platform: "neutral",
  target: "es2022",
  dts: true,
  sourcemap: true,
  outDir: "dist",
  clean: true,
});
