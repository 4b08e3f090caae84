// An in-memory index of households for search as you type: one folded key per household
// (name, phone digits, hamlet name) and its label's household code, built once and rebuilt
// only after households change.

import { allRecords } from "../db.js";
import { outboxEvents } from "../sync/outbox.js";
import { syncEvents } from "../sync/engine.js";
import { fold, phoneDigits } from "./fold.js";
import { placeNames } from "../reference.js";
import { householdCode, householdCodeKey } from "../public-code.js";

// Shorter typed text is a name or a phone number, not a household code.
const MIN_CODE_QUERY = 4;

let building = null;

function invalidate() {
  building = null;
}
outboxEvents.addEventListener("change", invalidate);
syncEvents.addEventListener("synced", invalidate);

async function build() {
  const [households, names] = await Promise.all([allRecords("household"), placeNames()]);
  households.sort((a, b) => (a.head_name || "").localeCompare(b.head_name || ""));
  const keys = households.map((h) =>
    [fold(h.head_name), phoneDigits(h.phone), fold(names.get(h.hamlet_code) || "")].join(" | "),
  );
  const codes = households.map((h) => householdCodeKey(householdCode(h.id)));
  return { households, keys, codes };
}

/** The index, built on first use after a change. */
export function householdIndex() {
  if (!building) building = build();
  return building;
}

/**
 * Households whose name, phone or hamlet contains every word of `query`, diacritics ignored,
 * or whose household code contains the query (dashes, spaces and case ignored).
 */
export async function searchHouseholds(query, limit = 50) {
  const { households, keys, codes } = await householdIndex();
  const words = fold(query).split(" ").filter(Boolean);
  const code = householdCodeKey(query);
  const byCode = code.length >= MIN_CODE_QUERY && /^[0-9a-z]+$/.test(code);
  const found = [];
  let total = 0;
  for (let i = 0; i < keys.length; i++) {
    if (words.every((word) => keys[i].includes(word)) || (byCode && codes[i].includes(code))) {
      total += 1;
      if (found.length < limit) found.push(households[i]);
    }
  }
  return { households: found, total };
}

/**
 * Households on this phone that are likely the one being registered: the same phone number, or
 * the same name (diacritics ignored) in the same hamlet (in the same commune when neither has a
 * hamlet). Each comes with `reasons`: "phone" and/or "name".
 */
export async function likelyDuplicates(household) {
  const { households } = await householdIndex();
  const phone = phoneDigits(household.phone);
  const name = fold(household.head_name);
  const found = [];
  for (const other of households) {
    if (other.id === household.id || other.deleted) continue;
    const samePlace =
      (other.hamlet_code || null) === (household.hamlet_code || null) && other.commune_code === household.commune_code;
    const reasons = [
      phone && phoneDigits(other.phone) === phone ? "phone" : null,
      name && samePlace && fold(other.head_name) === name ? "name" : null,
    ].filter(Boolean);
    if (reasons.length) found.push({ household: other, reasons });
  }
  return found;
}
