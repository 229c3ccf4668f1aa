/**
 * Service worker: precache the app shell (a content-hashed manifest made at build time), serve navigations
 * from it offline, and never touch /api/. It activates only when the page asks (the user agreed and no form
 * is half filled and no upload is running): no unconditional skipWaiting.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from "workbox-precaching";
import { NavigationRoute, registerRoute } from "workbox-routing";

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Every page URL gets the precached shell; API calls always go to the network.
registerRoute(new NavigationRoute(createHandlerBoundToURL("/index.html"), { denylist: [/^\/api\//] }));

self.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") self.skipWaiting();
});
