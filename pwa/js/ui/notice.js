// A short message read out by screen readers, shown at the bottom of the screen.

import { h, replace } from "./h.js";

let region = null;
let timer = null;

/** Show `text` for a few seconds. */
export function notice(text) {
  if (!region) {
    region = h("div", { class: "notice", role: "status", "aria-live": "polite" });
    document.body.append(region);
  }
  replace(region, text);
  region.classList.add("shown");
  clearTimeout(timer);
  timer = setTimeout(() => region.classList.remove("shown"), 4000);
}
