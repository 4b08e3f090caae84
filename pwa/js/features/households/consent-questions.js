// Consent asked per purpose in plain words: Yes / No, neither chosen until the household answers.

import { _ } from "../../i18n.js";
import { CONSENT_PURPOSES, nameOf } from "../../reference.js";
import { h } from "../../ui/h.js";
import { uuid7 } from "../../uuid.js";

function answerOf(fieldset) {
  const chosen = fieldset.querySelector("input:checked");
  return chosen ? chosen.value === "yes" : null;
}

/** The questions; `onChange(purpose, given)` on each answer. Returns {element, answer(purpose), changes()}. */
export function consentQuestions(householdId, consents, onChange) {
  const sets = new Map();
  const element = h("fieldset", { class: "card consents" }, h("legend", {}, _("Consent: ask each question")));
  for (const purpose of CONSENT_PURPOSES) {
    const given = consents.get(purpose)?.given;
    const name = "consent-" + purpose;
    const set = h(
      "fieldset",
      { class: "consent", "data-purpose": purpose },
      h("legend", {}, _("Does the household agree to: %(purpose)s?", { purpose: nameOf("consent", purpose) })),
      h(
        "label",
        { class: "choice" },
        h("input", { type: "radio", name, value: "yes", checked: given === true }),
        _("Yes"),
      ),
      h(
        "label",
        { class: "choice" },
        h("input", { type: "radio", name, value: "no", checked: given === false }),
        _("No"),
      ),
    );
    set.addEventListener("change", () => onChange(purpose, answerOf(set)));
    sets.set(purpose, set);
    element.append(set);
  }
  const answer = (purpose) => answerOf(sets.get(purpose));
  const changes = () =>
    CONSENT_PURPOSES.flatMap((purpose) => {
      const given = answer(purpose);
      const existing = consents.get(purpose);
      if (given === null || (existing && existing.given === given)) return [];
      const fields = { household_id: householdId, purpose, given, recorded_at: new Date().toISOString() };
      return [{ entity: "consent", id: existing ? existing.id : uuid7(), fields }];
    });
  return { element, answer, changes };
}
