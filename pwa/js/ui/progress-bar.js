// The sync progress bar: visible while a sync runs.

import { _ } from "../i18n.js";
import { syncEvents, syncState } from "../sync/engine.js";
import { h, listenWhileShown } from "./h.js";

/** A <progress> that follows the sync; it removes its listener when taken off the page. */
export function progressBar() {
  const bar = h("progress", { class: "sync-progress", max: "100", value: "0", "aria-label": _("Sync progress") });
  const show = () => {
    bar.value = Math.round(syncState.progress * 100);
    bar.hidden = !syncState.running;
  };
  listenWhileShown(bar, syncEvents, "change", show);
  show();
  return bar;
}
