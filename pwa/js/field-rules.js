// The server's field rules (server/field_rules.py): lengths, formats and date bounds of what a
// trainer types. They come with the reference data; DEFAULT_RULES are the same rules for a phone
// that has not synced yet (tests/e2e/test_field_rules.py checks that they equal the server's).

import { _, formatDate, formatNumber, today } from "./i18n.js";
import { reference } from "./reference.js";

export const DEFAULT_RULES = {
  household: {
    head_name: { required: true, max_length: 200 },
    phone: { format: "phone", pattern: "^0[0-9]{9}$", separators: "[\\s.\\-]", country_code: "84" },
    vnpost_code: { format: "vnpost_code", pattern: "^[0-9]{10}$" },
    ethnicity: { max_length: 60 },
    plus_code: { max_length: 16 },
  },
  marketplace_account: { shop_name: { max_length: 200 } },
  training_session: {
    held_on: { required: true, min: "2020-01-01", max: "today" },
    title: { max_length: 200 },
  },
  attendance: { attendee_name: { max_length: 200 } },
};

/** The rules of one record kind's fields: the server's from the last pull, else the built-in ones. */
export async function fieldRules(entity) {
  const rules = (await reference()).rules;
  return (rules && rules[entity]) || DEFAULT_RULES[entity] || {};
}

/** A typed value as the server matches it: separators removed and "+84…" read as "0…". */
export function cleanValue(rule, value) {
  let text = (value || "").trim();
  if (rule.separators) text = text.replace(new RegExp(rule.separators, "g"), "");
  const code = rule.country_code;
  if (code && text.startsWith("+" + code)) text = "0" + text.slice(code.length + 1);
  else if (code && text.startsWith(code) && text.length === code.length + 9) text = "0" + text.slice(code.length);
  return text;
}

function dateBound(bound) {
  return bound === "today" ? today() : bound;
}

function formatMessage(format) {
  if (format === "phone") return _("The phone number should have 10 digits and start with 0.");
  if (format === "vnpost_code") return _("The VNPost code has 10 digits.");
  return _("This value is not valid.");
}

/** What is wrong with a value under a rule, in the trainer's language, or null when it is fine. */
export function problemOf(rule, value) {
  const text = value || "";
  if (!text.trim()) return rule.required ? _("Please fill in this field.") : null;
  if (rule.max_length && [...text].length > rule.max_length) {
    return _("At most %(count)s characters.", { count: formatNumber(rule.max_length) });
  }
  if (rule.pattern && !new RegExp(rule.pattern).test(cleanValue(rule, text))) return formatMessage(rule.format);
  if (rule.min && text < dateBound(rule.min)) {
    return _("The date cannot be before %(date)s, when the programme began.", { date: formatDate(rule.min) });
  }
  if (rule.max && text > dateBound(rule.max)) return _("The date cannot be later than today.");
  return null;
}

/** Whether typing more could still make the value right: digits of a number not yet complete. */
export function mayBecomeValid(rule, value) {
  return Boolean(rule.pattern) && /^\+?[0-9]*$/.test(cleanValue(rule, value));
}
