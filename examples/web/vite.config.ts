import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Built into examples/web/dist, which the API server serves at /app (src/server/http.ts). Nothing secret is
// compiled in: the page asks for the API URL and key at run time (src/settings.ts).
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
  // `npm run dev --workspace examples/web`: the page on Vite's dev server, the API on `npm start`.
  server: { proxy: { "/graphql": process.env.API_ORIGIN ?? "http://localhost:4000" } },
});
