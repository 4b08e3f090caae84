// Start of the app: language, session, shell, service worker, routes and sync triggers.

import { getMeta } from "./db.js";
import { setLanguage } from "./i18n.js";
import { forgetReference } from "./reference.js";
import { addRoute, go, resolve } from "./router.js";
import { markExpired, restoreSession, session } from "./session.js";
import { loadSyncState, startSyncTriggers, syncEvents } from "./sync/engine.js";
import { appHeader } from "./ui/app-header.js";
import { bottomNav, markCurrent } from "./ui/bottom-nav.js";
import { h } from "./ui/h.js";
import { updateBanner } from "./ui/update-banner.js";
import { renderSignIn } from "./features/sign-in/sign-in-screen.js";
import { renderHome } from "./features/home/home-screen.js";
import { renderHouseholdList } from "./features/households/household-list.js";
import { renderHouseholdDetail } from "./features/households/household-detail.js";
import { renderHouseholdForm } from "./features/households/household-form.js";
import { renderSessionList } from "./features/training/session-list.js";
import { renderSessionForm } from "./features/training/session-form.js";
import { renderSessionRoster } from "./features/training/session-roster.js";
import { renderSyncScreen } from "./features/sync/sync-screen.js";
import { renderSettings } from "./features/settings/settings-screen.js";
import { renderBulletin, renderBulletinList } from "./features/bulletins/bulletin-screens.js";

addRoute("/", renderHome);
addRoute("/households", renderHouseholdList);
addRoute("/households/new", renderHouseholdForm);
addRoute("/households/:id", renderHouseholdDetail);
addRoute("/households/:id/edit", renderHouseholdForm);
addRoute("/sessions", renderSessionList);
addRoute("/sessions/new", renderSessionForm);
addRoute("/sessions/:id", renderSessionRoster);
addRoute("/sessions/:id/edit", renderSessionForm);
addRoute("/sync", renderSyncScreen);
addRoute("/settings", renderSettings);
addRoute("/bulletins", renderBulletinList);
addRoute("/bulletins/:id", renderBulletin);

let main;
let nav;
let cleanup = null;

let shown = 0;

// Each screen renders into its own container, put on the page only if no later navigation
// started meanwhile, so a slow screen never replaces the one the trainer moved on to.
async function show() {
  const ticket = ++shown;
  if (typeof cleanup === "function") cleanup();
  cleanup = null;
  const screen = h("div", { class: "screen" });
  let render = renderSignIn;
  let params = { onSignedIn: () => start() };
  if (session() && !session().expired) {
    const route = resolve(window.location.hash);
    if (!route) return go("/");
    ({ render, params } = route);
  }
  const done = await render(screen, params);
  if (ticket !== shown) return typeof done === "function" && done();
  cleanup = done;
  nav.hidden = !session() || Boolean(session().expired);
  markCurrent(nav, window.location.hash);
  main.replaceChildren(screen);
  window.scrollTo(0, 0);
  main.focus({ preventScroll: true });
}

/** Build the shell around the screens; called again after signing in (language may change). */
async function start() {
  const chosen = (await getMeta("language")) || session()?.user?.locale || "vi";
  await setLanguage(chosen);
  main = h("main", { id: "main", tabindex: "-1" });
  nav = bottomNav();
  document.getElementById("app").replaceChildren(appHeader(), banner, main, nav);
  await show();
}

const banner = updateBanner();

async function boot() {
  await restoreSession();
  await loadSyncState();
  syncEvents.addEventListener("synced", forgetReference);
  syncEvents.addEventListener("signed-out", () => {
    markExpired();
    show();
  });
  window.addEventListener("hashchange", show);
  window.addEventListener("languagechange-app", start);
  await start();
  if (session()) startSyncTriggers();
}

boot();
