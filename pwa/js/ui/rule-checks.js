// Inline checks of a form's fields against the server's field rules: a message under each field
// as the trainer types, and one call that says whether the form may be saved.

import { mayBecomeValid, problemOf } from "../field-rules.js";
import { _, formatNumber, today } from "../i18n.js";
import { h } from "./h.js";

function watch(input, rule) {
  if (rule.max_length && input.type !== "date") input.maxLength = rule.max_length;
  if (input.type === "date") {
    if (rule.min) input.min = rule.min === "today" ? today() : rule.min;
    if (rule.max) input.max = rule.max === "today" ? today() : rule.max;
  }
  const message = h("p", { class: "field-problem", id: `${input.id || input.name}-problem`, "aria-live": "polite" });
  input.after(message);
  input.setAttribute("aria-describedby", message.id);
  // A problem is kept quiet while the trainer is still typing a number that may yet be right.
  const show = (typing) => {
    const found = problemOf(rule, input.value);
    const problem = typing && found && mayBecomeValid(rule, input.value) ? null : found;
    // A full field is not wrong, but pasted text may have been cut there: say where the limit is.
    const full = !problem && rule.max_length && [...input.value].length >= rule.max_length;
    const text = problem || (full ? _("At most %(count)s characters.", { count: formatNumber(rule.max_length) }) : "");
    message.textContent = text;
    message.className = problem ? "field-problem bad" : "field-problem muted";
    input.setAttribute("aria-invalid", problem ? "true" : "false");
    return !problem;
  };
  input.addEventListener("input", () => show(true));
  input.addEventListener("change", () => show(false));
  if (input.value) show(false);
  return { input, show };
}

/** Watch the named inputs of `form` that have a rule; returns check(), true when every field is right. */
export function ruleChecks(form, rules) {
  const watched = Object.entries(rules).flatMap(([name, rule]) => {
    const input = form.elements[name];
    return input instanceof HTMLInputElement ? [watch(input, rule)] : [];
  });
  return function check() {
    const wrong = watched.filter(({ show }) => !show(false));
    if (wrong.length) wrong[0].input.focus();
    return wrong.length === 0;
  };
}
