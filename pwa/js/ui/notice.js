// A short message read out by screen readers, shown at the bottom of the screen.

import { h, replace } from "./h.js";

let region = null;
let timer = null;
let say = () => "";

/** Show a text for a few seconds: `text` is the words, or a function that says them in the current
 * language, so a notice on show when the language changes is said again in the new one. */
export function notice(text) {
  if (!region) {
    region = h("div", { class: "notice", role: "status", "aria-live": "polite" });
    document.body.append(region);
    window.addEventListener("language-set", () => replace(region, say()));
  }
  say = typeof text === "function" ? text : () => text;
  replace(region, say());
  region.classList.add("shown");
  clearTimeout(timer);
  timer = setTimeout(() => region.classList.remove("shown"), 4000);
}
