// Create a training session: date, place and topics.

import { fieldRules } from "../../field-rules.js";
import { _, today } from "../../i18n.js";
import { TOPICS, communes, hamlets, nameOf } from "../../reference.js";
import { go } from "../../router.js";
import { recordChange } from "../../sync/outbox.js";
import { checkbox, inputField, selectField } from "../../ui/field.js";
import { h, replace } from "../../ui/h.js";
import { ruleChecks } from "../../ui/rule-checks.js";
import { uuid7 } from "../../uuid.js";

/** The new-session screen. */
export async function renderSessionForm(main) {
  const communeList = await communes();
  const communeCode = communeList[0]?.code || "";
  const hamletSelect = h("select", { name: "hamlet_code", id: "session-hamlet" });
  const fillHamlets = async (code) =>
    replace(
      hamletSelect,
      h("option", { value: "" }, _("(whole commune)")),
      (await hamlets(code)).map((p) => h("option", { value: p.code }, p.name)),
    );
  await fillHamlets(communeCode);
  const commune = selectField(
    _("Commune"),
    "commune_code",
    communeList.map((c) => [c.code, c.name]),
    communeCode,
  );
  commune.querySelector("select").addEventListener("change", (event) => fillHamlets(event.target.value));
  const error = h("p", { class: "error", role: "alert" });
  const form = h(
    "form",
    { novalidate: true },
    h("h1", {}, _("New training session")),
    inputField(_("Date"), { name: "held_on", type: "date", value: today(), required: true }),
    commune,
    h("div", { class: "field" }, h("label", { for: "session-hamlet" }, _("Hamlet")), hamletSelect),
    h(
      "fieldset",
      { class: "choices" },
      h("legend", {}, _("Topics")),
      TOPICS.map((t) => checkbox(nameOf("topic", t), "topics", false, { value: t })),
    ),
    inputField(_("Title (optional)"), { name: "title", autocomplete: "off" }),
    error,
    h("button", { type: "submit", class: "primary wide" }, _("Create session")),
  );
  const fieldsAreRight = ruleChecks(form, await fieldRules("training_session"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!fieldsAreRight()) return replace(error, _("Please correct the fields marked in red."));
    const topics = [...form.querySelectorAll("input[name=topics]:checked")].map((box) => box.value);
    const fields = {
      commune_code: form.elements.commune_code.value,
      hamlet_code: form.elements.hamlet_code.value || null,
      held_on: form.elements.held_on.value,
      topics,
      title: form.elements.title.value.trim() || null,
    };
    if (!fields.held_on || !fields.commune_code) return replace(error, _("Please choose the date and the commune."));
    if (topics.length === 0) return replace(error, _("Please choose at least one topic."));
    const id = uuid7();
    await recordChange("training_session", id, fields);
    go(`/sessions/${id}`);
  });
  replace(main, form);
}
