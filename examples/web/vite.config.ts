import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Built into examples/web/dist, which the API server serves at /app (src/server/http.ts). Nothing secret is
// compiled in: the page fetches a short-lived client token from its token URL at run time (src/token.ts).
export default defineConfig({
  base: "/app/",
  plugins: [react()],
  resolve: {
    // The workspace's client from its source, as tsc reads it (tsconfig.json `paths`), so a change to
    // it shows at once; an app outside this repository installs the built package instead. A linked
    // package must share the app's React and urql, hence `dedupe`.
    alias: { "@contacts-api/client": fileURLToPath(new URL("../../client/src/index.ts", import.meta.url)) },
    dedupe: ["react", "react-dom", "urql"],
  },
  build: { outDir: "dist", emptyOutDir: true },
  // `npm run dev --workspace examples/web`: the page on Vite's dev server, the API (and its demo token
  // route, /demo/client-token) on `npm start`. No `changeOrigin`: the Host header stays the page's, so
  // the same-origin-only demo route sees the page's own origin.
  server: {
    proxy: {
      "/graphql": process.env.API_ORIGIN ?? "http://localhost:4000",
      "/demo": process.env.API_ORIGIN ?? "http://localhost:4000",
    },
  },
});
