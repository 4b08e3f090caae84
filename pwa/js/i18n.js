// Translations from the shared catalogue (JSON written by `flask translate compile`) and the one
// place that formats numbers and dates in the app, through Intl.

export const LANGUAGES = { vi: "Tiếng Việt", km: "ភាសាខ្មែរ", en: "English" };
const DEFAULT_LANGUAGE = "vi";

let current = DEFAULT_LANGUAGE;
let messages = {};
let localeData = null; // CLDR words from the server when the browser's Intl lacks the language

/** The translation of an English source text, with %(name)s placeholders filled from `params`. */
export function _(source, params) {
  const text = messages[source] || source;
  if (!params) return text;
  return text.replace(/%\((\w+)\)s/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** Load a language's catalogue and make it current (falls back to English source texts). */
export async function setLanguage(code) {
  const language = code in LANGUAGES ? code : DEFAULT_LANGUAGE;
  try {
    const response = await fetch(`/app/i18n/${language}.json`);
    messages = response.ok ? (await response.json()).messages || {} : {};
  } catch {
    messages = {};
  }
  current = language;
  localeData = Intl.DateTimeFormat.supportedLocalesOf([language]).length ? null : await fetchLocaleData(language);
  document.documentElement.lang = language;
  // Words already on show outside the screen being drawn (a notice, the update offer) follow.
  window.dispatchEvent(new Event("language-set"));
}

async function fetchLocaleData(code) {
  try {
    const response = await fetch(`/app/locale/${code}.json`);
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

// A CLDR date pattern such as "d MMM y" filled in with the server's month names.
function patternDate(date) {
  const parts = { d: date.getDate(), MMM: localeData.months[date.getMonth()], y: date.getFullYear() };
  return localeData.date_medium.replace(/MMM|d+|y+/g, (token) => parts[token[0] === "M" ? "MMM" : token[0]]);
}

/** The current language code. */
export function language() {
  return current;
}

/** A number in the current language. */
export function formatNumber(value) {
  return new Intl.NumberFormat(current).format(value || 0);
}

/** A ratio (0..1) as a percentage in the current language. */
export function formatPercent(ratio) {
  if (ratio === null || ratio === undefined) return "—";
  return new Intl.NumberFormat(current, { style: "percent", maximumFractionDigits: 1 }).format(ratio);
}

/** A calendar date ("YYYY-MM-DD") in the current language. */
export function formatDate(isoDate) {
  if (!isoDate) return "—";
  const [year, month, day] = isoDate.split("-").map(Number);
  const date = new Date(year, month - 1, day);
  if (localeData) return patternDate(date);
  return new Intl.DateTimeFormat(current, { dateStyle: "medium" }).format(date);
}

/** A moment (ms since epoch) as date and time in the current language. */
export function formatDateTime(ms) {
  if (!ms) return "—";
  const date = new Date(ms);
  if (localeData) return patternDate(date) + " " + new Intl.DateTimeFormat("en", { timeStyle: "short" }).format(date);
  return new Intl.DateTimeFormat(current, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** Today's date as "YYYY-MM-DD" in the phone's time zone. */
export function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
