// Register or edit a household: name, phone, place, language, smartphone, accounts, consent and
// location. Everything is saved on the phone at once and queued for the server.

import { getRecord } from "../../db.js";
import { cleanValue, fieldRules } from "../../field-rules.js";
import { _ } from "../../i18n.js";
import {
  communes,
  hamlets,
  LANGUAGES_OF_HOUSEHOLDS,
  PLATFORMS,
  PROVIDERS,
  SMARTPHONE,
  nameOf,
} from "../../reference.js";
import { go } from "../../router.js";
import { session } from "../../session.js";
import { recordChanges, resendRecord } from "../../sync/outbox.js";
import { inputField, radioGroup, selectField } from "../../ui/field.js";
import { h, replace } from "../../ui/h.js";
import { notice } from "../../ui/notice.js";
import { ruleChecks } from "../../ui/rule-checks.js";
import { uuid7 } from "../../uuid.js";
import { refusalNote } from "../sync/refusal-words.js";
import { checkIn } from "../training/attendance.js";
import { accountEditor } from "./account-editor.js";
import { consentQuestions, programmeRefusal } from "./consent-questions.js";
import { duplicateWarning } from "./duplicate-warning.js";
import { loadHousehold } from "./household-records.js";
import { locationCapture } from "./location-capture.js";

async function placeFields(household) {
  const communeList = await communes();
  const communeCode = household.commune_code || communeList[0]?.code || "";
  const commune = selectField(
    _("Commune"),
    "commune_code",
    communeList.map((c) => [c.code, c.name]),
    communeCode,
  );
  const hamletSelect = h("select", { name: "hamlet_code", id: "hamlet-select" });
  const fillHamlets = async (code, selected) => {
    const list = await hamlets(code);
    replace(
      hamletSelect,
      h("option", { value: "" }, _("(no hamlet)")),
      list.map((p) => h("option", { value: p.code, selected: p.code === selected }, p.name)),
    );
  };
  await fillHamlets(communeCode, household.hamlet_code);
  commune.querySelector("select").addEventListener("change", (event) => fillHamlets(event.target.value, null));
  return [commune, h("div", { class: "field" }, h("label", { for: "hamlet-select" }, _("Hamlet")), hamletSelect)];
}

function householdFields(form, location, rules) {
  const value = (name) => form.elements[name].value.trim();
  return {
    head_name: value("head_name"),
    phone: cleanValue(rules.phone || {}, value("phone")) || null,
    commune_code: value("commune_code"),
    hamlet_code: value("hamlet_code") || null,
    preferred_language: value("preferred_language"),
    smartphone: form.querySelector("input[name=smartphone]:checked")?.value || "unknown",
    ...location.value(),
  };
}

// Registered from a session: the household most likely lives where the session is held.
async function newHousehold(sessionId) {
  const training = sessionId ? await getRecord("training_session", sessionId) : null;
  return {
    preferred_language: session().user.locale || "vi",
    smartphone: "unknown",
    commune_code: training?.commune_code,
    hamlet_code: training?.hamlet_code,
  };
}

/** The register / edit screen; `?session=<id>` checks the new household in to that session. */
export async function renderHouseholdForm(main, { id, query }) {
  const found = id ? await loadHousehold(id) : null;
  if (id && !found) return replace(main, h("h1", {}, _("This household is not on this phone.")));
  const householdId = id || uuid7();
  const household = found ? found.household : await newHousehold(query.get("session"));
  const rules = await fieldRules("household");
  const location = locationCapture(household);
  const registering = !found?.household.version; // not on the server yet: needs its Yes to the programme
  const consents = consentQuestions(
    householdId,
    found ? found.consents : new Map(),
    (purpose, given) => {
      if (purpose === "location") location.setAllowed(given === true);
    },
    { isNew: registering },
  );
  location.setAllowed(consents.answer("location") === true);
  const sellers = accountEditor(
    {
      entity: "marketplace_account",
      key: "platform",
      codes: PLATFORMS,
      title: _("Seller accounts"),
      addLabel: _("Add seller account"),
      shopName: (await fieldRules("marketplace_account")).shop_name || {},
    },
    householdId,
    found ? found.marketplace : [],
  );
  const wallets = accountEditor(
    {
      entity: "payment_account",
      key: "provider",
      codes: PROVIDERS,
      title: _("E-payment accounts"),
      addLabel: _("Add e-payment account"),
    },
    householdId,
    found ? found.payment : [],
  );
  const error = h("p", { class: "error", role: "alert" });
  const duplicates = h("div");
  const form = h(
    "form",
    { class: "household-form", novalidate: true },
    h("h1", {}, found ? _("Edit household") : _("Register a household")),
    found ? await refusalNote(householdId) : null,
    inputField(_("Head of household's name"), {
      name: "head_name",
      required: true,
      value: household.head_name || "",
      autocomplete: "off",
    }),
    inputField(_("Phone"), {
      name: "phone",
      type: "tel",
      inputmode: "tel",
      value: household.phone || "",
      autocomplete: "off",
    }),
    await placeFields(household),
    selectField(
      _("Preferred language"),
      "preferred_language",
      LANGUAGES_OF_HOUSEHOLDS.map((c) => [c, nameOf("language", c)]),
      household.preferred_language,
    ),
    radioGroup(
      _("Smartphone"),
      "smartphone",
      SMARTPHONE.map((c) => [c, nameOf("smartphone", c)]),
      household.smartphone,
    ),
    sellers.element,
    wallets.element,
    consents.element,
    location.element,
    error,
    duplicates,
    h("button", { type: "submit", class: "primary wide" }, _("Save")),
  );
  const fieldsAreRight = ruleChecks(form, rules);
  // Shown once before a new household is saved; a change of the form asks again.
  let notADuplicate = false;
  form.addEventListener("input", () => {
    notADuplicate = false;
    replace(duplicates);
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!fieldsAreRight()) return replace(error, _("Please correct the fields marked in red."));
    const fields = householdFields(form, location, rules);
    if (!fields.head_name) return replace(error, _("Please enter the head of household's name."));
    if (!fields.commune_code) return replace(error, _("Please choose a commune."));
    // A household is registered only with its Yes to the programme (the server refuses it otherwise).
    const refusal = registering ? programmeRefusal(consents.answer("programme")) : "";
    if (refusal) return replace(error, refusal);
    if (!found && !notADuplicate) {
      const warning = await duplicateWarning({ id: householdId, ...fields }, () => {
        notADuplicate = true;
        form.requestSubmit();
      });
      if (warning) {
        replace(error);
        replace(duplicates, warning);
        return warning.scrollIntoView({ block: "start" });
      }
    }
    const changes = [
      { entity: "household", id: householdId, fields },
      ...consents.changes(),
      ...sellers.changes(),
      ...wallets.changes(),
    ];
    await recordChanges(changes);
    await Promise.all(changes.map((change) => resendRecord(change.id)));
    const sessionId = query.get("session");
    if (sessionId) {
      await checkIn(sessionId, { id: householdId, ...fields }, "new");
      notice(_("%(name)s registered and checked in.", { name: fields.head_name }));
      return go(`/sessions/${sessionId}`);
    }
    notice(_("Saved on this phone."));
    go(`/households/${householdId}`);
  });
  replace(main, form);
}
