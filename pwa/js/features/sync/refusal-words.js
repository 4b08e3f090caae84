// A refused change in the trainer's words: the fields the server refused, by their labels on the
// forms, and the reason, in the language the app speaks now. The server's own message follows
// the account's language at the time of the sync, so the phone says the reason by its code
// (server/mutations/rejections.py, the same English texts and so the same translations).

import { _ } from "../../i18n.js";
import { rejectedOf } from "../../sync/outbox.js";
import { h } from "../../ui/h.js";

const REASONS = {
  invalid: () => _("Some values are not valid."),
  out_of_scope: () => _("This record belongs to a commune you do not work in."),
  unknown_place: () => _("There is no such commune or hamlet, or the hamlet is not in that commune."),
  key_change: () => _("The household, session, platform, provider or purpose of a saved record cannot be changed."),
  unknown_household: () => _("The household of this record is not on the server yet."),
  unknown_session: () => _("The training session of this record is not on the server yet."),
  unknown_record: () => _("This record is not on the server yet."),
  incomplete: () => _("A new record is missing required values."),
  consent_missing: () => _("The household's consent to take part in the programme has not reached the server yet."),
  consent_refused: () => _("The household did not agree to take part in the programme, so it is not registered."),
  consent_needed: () => _("Ethnicity and location are kept only when the household has agreed to it."),
};

function fieldLabels() {
  return {
    head_name: _("Head of household's name"),
    phone: _("Phone"),
    commune_code: _("Commune"),
    hamlet_code: _("Hamlet"),
    preferred_language: _("Preferred language"),
    smartphone: _("Smartphone"),
    ethnicity: _("Ethnicity"),
    latitude: _("Location"),
    longitude: _("Location"),
    plus_code: _("Location"),
    vnpost_code: _("VNPost code"),
    household_id: _("Household"),
    session_id: _("Training session"),
    purpose: _("Consent"),
    given: _("Consent"),
    recorded_at: _("Consent"),
    platform: _("Seller account"),
    provider: _("E-payment account"),
    shop_name: _("Shop name"),
    status: _("Status"),
    products_listed: _("Products listed"),
    orders_reported: _("Orders reported"),
    checked_on: _("Date checked"),
    held_on: _("Date"),
    topics: _("Topics"),
    title: _("Title"),
    attendee_name: _("Attendee's name"),
    method: _("How checked in"),
    consent: _("Consent"),
  };
}

// The server names the refused fields in `errors`, with a word of its own about each; a change
// out of scope names none: its place (or the household or session it belongs to) is the cause.
const OUT_OF_SCOPE_FIELDS = ["commune_code", "household_id", "session_id"];

function detailWords() {
  return {
    unknown: _("Not known to the server."),
    "not in commune": _("Not in this commune."),
    missing: _("Missing."),
    "cannot change": _("Cannot be changed."),
  };
}

// Marshmallow's messages of one field: a list of texts, or by item for a list field.
function texts(value) {
  if (typeof value === "string") return [value];
  if (value && typeof value === "object") return Object.values(value).flatMap(texts);
  return [];
}

/** The reason of a refusal in the app's language (the server's words for a code the app does not know). */
function refusalReason(entry) {
  const reason = REASONS[entry.code];
  return reason ? reason() : entry.message || entry.code;
}

/** The fields a refusal names, as [label, what is wrong with it or null], one per label. */
function refusedFields(entry) {
  const labels = fieldLabels();
  const details = detailWords();
  const sent = Object.keys(entry.fields || {});
  const named = entry.errors
    ? Object.keys(entry.errors)
    : entry.code === "out_of_scope"
      ? OUT_OF_SCOPE_FIELDS.filter((name) => sent.includes(name))
      : [];
  const byLabel = new Map();
  for (const name of named) {
    const label = labels[name] || name;
    // The server's own words are kept only for values it found not valid (a format, a length):
    // its other words are codes, said here in the app's language or not at all (a consent's purpose).
    const words = texts(entry.errors?.[name])
      .map((word) => details[word] || (entry.code === "invalid" ? word : null))
      .filter(Boolean);
    byLabel.set(label, [...new Set([...(byLabel.get(label) || []), ...words])]);
  }
  return [...byLabel].map(([label, words]) => [label, words.length ? words.join(" ") : null]);
}

/** The reason of a refusal and the fields it names, as elements. */
export function refusalDetails(entry) {
  const fields = refusedFields(entry);
  return [
    h("p", { class: "bad" }, refusalReason(entry)),
    fields.length
      ? h(
          "ul",
          { class: "refused-fields", "aria-label": _("Refused fields") },
          fields.map(([label, words]) => h("li", {}, h("strong", {}, label), words ? [": ", words] : null)),
        )
      : null,
  ];
}

/** What the server refused of a record, at the top of the form that corrects it; null when nothing. */
export async function refusalNote(recordId) {
  const refused = await rejectedOf(recordId);
  if (!refused.length) return null;
  return h(
    "section",
    { class: "card refusal-note", "data-testid": "refusal-note" },
    h("h2", {}, _("The server refused this change")),
    refused.map(refusalDetails),
    h("p", { class: "muted" }, _("Correct it and save: it is sent again.")),
  );
}
