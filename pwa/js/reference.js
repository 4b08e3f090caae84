// Reference data from the last pull (places in scope, vocabularies, progress) and the translated
// names of every stored code. The names repeat the server's English source texts (server/vocab.py)
// so that they share its translations.

import { getMeta } from "./db.js";
import { _ } from "./i18n.js";

// The read itself is cached, not its result: a read still running when a pull stores a new
// reference must not put the old one back into the cache after forgetReference().
let cached = null;

/** The reference part of the last pull, or an empty one before the first sync. */
export function reference() {
  if (!cached) {
    cached = getMeta("reference").then(
      (stored) => stored || { places: [] },
      (error) => {
        cached = null; // a failed read is not kept
        throw error;
      },
    );
  }
  return cached;
}

/** Forget the cached reference (after a pull stored a new one). */
export function forgetReference() {
  cached = null;
}

/** Map of place code to name, for every place in scope. */
export async function placeNames() {
  const { places = [] } = await reference();
  return new Map(places.map((p) => [p.code, p.name]));
}

/** The communes in scope, by name. */
export async function communes() {
  const { places = [] } = await reference();
  return places.filter((p) => p.kind === "commune").sort((a, b) => a.name.localeCompare(b.name));
}

/** The hamlets of a commune, by name. */
export async function hamlets(communeCode) {
  const { places = [] } = await reference();
  return places
    .filter((p) => p.kind === "hamlet" && p.parent_code === communeCode)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Codes of a vocabulary from the reference (strings or {code}), else the built-in list. */
export async function codes(name, fallback) {
  const list = (await reference())[name];
  if (!Array.isArray(list) || list.length === 0) return fallback;
  return list.map((item) => (typeof item === "string" ? item : item.code));
}

export const TOPICS = [
  "digital_skills",
  "selling_online",
  "packaging_delivery",
  "livestream",
  "e_payment",
  "online_safety",
];
export const PLATFORMS = ["postmart", "voso", "shopee", "lazada", "tiktok", "sendo", "tiki", "provincial", "other"];
export const PROVIDERS = ["viettel_money", "vnpt_money", "momo", "zalopay", "bank_app", "other"];
export const ACCOUNT_STATUSES = ["opened", "verified", "active"];
export const CONSENT_PURPOSES = ["programme", "contact", "location", "ethnicity", "publish"];
export const SMARTPHONE = ["yes", "no", "unknown"];
export const LANGUAGES_OF_HOUSEHOLDS = ["vi", "km", "en"];

/** The translated name of a stored code of one vocabulary. */
export function nameOf(vocabulary, code) {
  const names = vocabularies()[vocabulary] || {};
  return names[code] || code || "—";
}

function vocabularies() {
  return {
    topic: {
      digital_skills: _("Digital skills"),
      selling_online: _("Selling online"),
      packaging_delivery: _("Packaging and delivery"),
      livestream: _("Livestream selling"),
      e_payment: _("E-payment"),
      online_safety: _("Online safety"),
    },
    platform: {
      postmart: "Postmart",
      voso: "Voso (Vỏ Sò)",
      shopee: "Shopee",
      lazada: "Lazada",
      tiktok: "TikTok Shop",
      sendo: "Sendo",
      tiki: "Tiki",
      provincial: _("Provincial trade site"),
      other: _("Other platform"),
    },
    provider: {
      viettel_money: "Viettel Money",
      vnpt_money: "VNPT Money",
      momo: "MoMo",
      zalopay: "ZaloPay",
      bank_app: _("Bank app"),
      other: _("Other provider"),
    },
    status: { opened: _("Opened"), verified: _("Verified"), active: _("Active") },
    consent: {
      programme: _("Take part in the programme and keep this record"),
      contact: _("Be contacted by phone"),
      location: _("Record the home's location"),
      ethnicity: _("Record ethnicity"),
      publish: _("Show name and place on labels and public pages"),
    },
    smartphone: { yes: _("Has a smartphone"), no: _("No smartphone"), unknown: _("Not known") },
    language: { vi: _("Vietnamese"), km: _("Khmer"), en: _("English") },
    indicator: {
      trained_digital: _("Trained in digital skills"),
      trained_packaging: _("Trained in packaging and delivery"),
      trained_livestream: _("Trained in livestream selling"),
      seller_account: _("With a seller account"),
      active_account: _("With an active account"),
      payment_account: _("With an e-payment account"),
      smartphone: _("Owning a smartphone"),
      digital_address: _("With a digital address"),
    },
  };
}
