import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Built into examples/web/dist, which the API server serves at /app (src/http.ts). Nothing secret is
// compiled in: the page asks for the API URL and key at run time (src/settings.ts).
export default defineConfig({
  base: "/app/",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true },
  // `npm run dev --workspace examples/web`: the page on Vite's dev server, the API on `npm start`.
  server: { proxy: { "/graphql": process.env.API_ORIGIN ?? "http://localhost:4000" } },
});
