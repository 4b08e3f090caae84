// Consent asked per purpose in plain words: Yes / No, neither chosen until the household answers.

import { _ } from "../../i18n.js";
import { CONSENT_PURPOSES, nameOf } from "../../reference.js";
import { h, replace } from "../../ui/h.js";
import { uuid7 } from "../../uuid.js";

function answerOf(fieldset) {
  const chosen = fieldset.querySelector("input:checked");
  return chosen ? chosen.value === "yes" : null;
}

/** Why a new household cannot be saved, or "" when it agreed to take part in the programme (as the server rules). */
export function programmeRefusal(given) {
  if (given === true) return "";
  return given === false
    ? _("The household did not agree to take part in the programme, so it will not be registered.")
    : _("Ask whether the household agrees to take part in the programme: it can be registered only with a Yes.");
}

/**
 * The questions; `onChange(purpose, given)` on each answer. Returns {element, answer(purpose), changes()}.
 * For a new household (`isNew`), a No to the programme says at once that it will not be registered.
 */
export function consentQuestions(householdId, consents, onChange, { isNew = false } = {}) {
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
    if (isNew && purpose === "programme") {
      const note = h("p", { class: "bad", "aria-live": "polite", "data-testid": "programme-refused" });
      set.append(note);
      set.addEventListener("change", () => replace(note, answerOf(set) === false ? programmeRefusal(false) : ""));
    }
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
