// Service worker registration and the offer to update: the app never reloads by itself, so a
// trainer in the middle of a check-in is never interrupted.

import { _ } from "../i18n.js";
import { h } from "./h.js";
import { notice } from "./notice.js";

let userAskedForUpdate = false;
let offered = null; // the waiting worker the banner offers

function offer(banner, worker) {
  offered = worker;
  banner.replaceChildren(
    h("span", {}, _("A new version of the app is ready.")),
    h(
      "button",
      {
        type: "button",
        class: "primary",
        onclick: () => {
          userAskedForUpdate = true;
          worker.postMessage({ type: "SKIP_WAITING" });
        },
      },
      _("Update now"),
    ),
  );
  banner.hidden = false;
}

function watch(registration, banner) {
  if (registration.waiting && navigator.serviceWorker.controller) offer(banner, registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker.addEventListener("statechange", () => {
      if (worker.state !== "installed") return;
      if (navigator.serviceWorker.controller) offer(banner, worker);
      else notice(() => _("Ready to work offline."));
    });
  });
}

/** Register the service worker; returns the banner element that offers updates. */
export function updateBanner() {
  const banner = h("div", { class: "update-banner", role: "region", "aria-label": _("Update"), hidden: true });
  // The offer stays on show until taken: a language chosen meanwhile says it again.
  window.addEventListener("language-set", () => {
    banner.setAttribute("aria-label", _("Update"));
    if (offered) offer(banner, offered);
  });
  if (!("serviceWorker" in navigator)) return banner;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (userAskedForUpdate) window.location.reload();
  });
  navigator.serviceWorker
    .register("/app/sw.js", { scope: "/app/" })
    .then((registration) => {
      watch(registration, banner);
      // Look for a new version on every sync trigger the browser would not notice itself.
      setInterval(() => navigator.onLine && registration.update().catch(() => {}), 5 * 60 * 1000);
      window.addEventListener("online", () => registration.update().catch(() => {}));
    })
    .catch((error) => console.error("service worker", error));
  return banner;
}
