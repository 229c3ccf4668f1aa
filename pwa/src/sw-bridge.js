/**
 * Page side of the service worker: register it, notice a waiting new version, and activate it only when
 * the app says it is idle (no half-filled form, no upload running). Then reload once.
 */

/**
 * @param {{onUpdate: (apply: () => Promise<void>) => void, isIdle: () => Promise<boolean>|boolean}} hooks
 */
export async function registerWorker({ onUpdate, isIdle }) {
  if (!("serviceWorker" in navigator)) return null;
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloading) return;
    reloading = true;
    window.location.reload();
  });
  const announce = (worker) => {
    onUpdate(async () => {
      if (!(await isIdle())) return false;
      worker.postMessage({ type: "SKIP_WAITING" });
      return true;
    });
  };
  // A version already waiting (e.g. found while the app was closed).
  if (registration.waiting && navigator.serviceWorker.controller) announce(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) announce(worker);
    });
  });
  // Look for a new version now and then while the app stays open all day.
  setInterval(() => registration.update().catch(() => {}), 30 * 60 * 1000);
  return registration;
}

/** Ask the browser not to evict our data; returns whether storage is persistent, and whether it is low. */
export async function protectStorage() {
  const storage = navigator.storage;
  if (!storage?.persist) return { persisted: false, low: false };
  const persisted = (await storage.persisted()) || (await storage.persist());
  let low = false;
  if (storage.estimate) {
    const { quota, usage } = await storage.estimate();
    low = quota ? quota - usage < 50 * 1024 * 1024 : false;
  }
  return { persisted, low };
}
