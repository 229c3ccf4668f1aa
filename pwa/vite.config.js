import { readFileSync } from "node:fs";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url)));

export default defineConfig({
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  build: { outDir: "dist", assetsDir: "assets", target: "es2020", sourcemap: false },
  plugins: [
    VitePWA({
      strategies: "injectManifest",
      srcDir: "src",
      filename: "sw.js",
      injectRegister: false,
      registerType: "prompt",
      manifest: {
        name: "Jemput Bola",
        short_name: "Jemput Bola",
        description: "Catat pendampingan sensus di titik kumpul, juga tanpa sinyal.",
        lang: "id",
        start_url: "/",
        scope: "/",
        display: "standalone",
        orientation: "portrait",
        background_color: "#f4f7fa",
        theme_color: "#0b5394",
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png" },
          { src: "/icons/icon-512-maskable.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      // The map's library is fetched when a staff member opens the map (which needs a network for its tiles
      // anyway), never precached on every petugas' phone: data quota is money.
      injectManifest: { globPatterns: ["**/*.{js,css,html,png,webmanifest}"], globIgnores: ["**/leaflet-*"] },
    }),
  ],
});
