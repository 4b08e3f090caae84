// Create or edit a training session: date, place, topics and title. Saving a session the server
// refused sends its refused changes again with the corrected values.

import { getRecord } from "../../db.js";
import { fieldRules } from "../../field-rules.js";
import { _, today } from "../../i18n.js";
import { TOPICS, communes, hamlets, nameOf } from "../../reference.js";
import { go } from "../../router.js";
import { recordChange, resendRecord } from "../../sync/outbox.js";
import { checkbox, inputField, selectField } from "../../ui/field.js";
import { h, replace } from "../../ui/h.js";
import { notice } from "../../ui/notice.js";
import { ruleChecks } from "../../ui/rule-checks.js";
import { uuid7 } from "../../uuid.js";
import { refusalNote } from "../sync/refusal-words.js";

async function placeFields(training) {
  const communeList = await communes();
  // A commune taken from the trainer is no longer offered: the session must move to one of theirs.
  const kept = communeList.some((c) => c.code === training.commune_code);
  const communeCode = kept ? training.commune_code : communeList[0]?.code || "";
  const hamletSelect = h("select", { name: "hamlet_code", id: "session-hamlet" });
  const fillHamlets = async (code, selected) =>
    replace(
      hamletSelect,
      h("option", { value: "" }, _("(whole commune)")),
      (await hamlets(code)).map((p) => h("option", { value: p.code, selected: p.code === selected }, p.name)),
    );
  await fillHamlets(communeCode, kept ? training.hamlet_code : null);
  const commune = selectField(
    _("Commune"),
    "commune_code",
    communeList.map((c) => [c.code, c.name]),
    communeCode,
  );
  commune.querySelector("select").addEventListener("change", (event) => fillHamlets(event.target.value, null));
  return [commune, h("div", { class: "field" }, h("label", { for: "session-hamlet" }, _("Hamlet")), hamletSelect)];
}

function sessionFields(form) {
  return {
    commune_code: form.elements.commune_code.value,
    hamlet_code: form.elements.hamlet_code.value || null,
    held_on: form.elements.held_on.value,
    topics: [...form.querySelectorAll("input[name=topics]:checked")].map((box) => box.value),
    title: form.elements.title.value.trim() || null,
  };
}

/** The new-session screen, or the edit screen of session `id`. */
export async function renderSessionForm(main, { id } = {}) {
  const found = id ? await getRecord("training_session", id) : null;
  if (id && (!found || found.deleted)) return replace(main, h("h1", {}, _("This session is not on this phone.")));
  const training = found || { held_on: today(), topics: [] };
  const error = h("p", { class: "error", role: "alert" });
  const form = h(
    "form",
    { novalidate: true },
    h("h1", {}, found ? _("Edit training session") : _("New training session")),
    found ? await refusalNote(id) : null,
    inputField(_("Date"), { name: "held_on", type: "date", value: training.held_on, required: true }),
    await placeFields(training),
    h(
      "fieldset",
      { class: "choices" },
      h("legend", {}, _("Topics")),
      TOPICS.map((t) => checkbox(nameOf("topic", t), "topics", (training.topics || []).includes(t), { value: t })),
    ),
    inputField(_("Title (optional)"), { name: "title", autocomplete: "off", value: training.title || "" }),
    error,
    h("button", { type: "submit", class: "primary wide" }, found ? _("Save") : _("Create session")),
  );
  const fieldsAreRight = ruleChecks(form, await fieldRules("training_session"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!fieldsAreRight()) return replace(error, _("Please correct the fields marked in red."));
    const fields = sessionFields(form);
    if (!fields.held_on || !fields.commune_code) return replace(error, _("Please choose the date and the commune."));
    if (fields.topics.length === 0) return replace(error, _("Please choose at least one topic."));
    const sessionId = id || uuid7();
    await recordChange("training_session", sessionId, fields);
    await resendRecord(sessionId);
    if (found) notice(_("Saved on this phone."));
    go(`/sessions/${sessionId}`);
  });
  replace(main, form);
}
