// Bulletins on the phone: the live ones (published, not expired) that reach a commune, their
// text in the trainer's language or in Vietnamese, and which ones the trainer has opened (sent
// with the next push, so the supervisor sees how far a bulletin went).

import { META, allRecords, done, transaction } from "../../db.js";
import { _, language, today } from "../../i18n.js";
import { reference } from "../../reference.js";

const SHOWN = "bulletins_shown"; // {id: true (reported) | false (still to report)}

export const KIND_NAMES = {
  market_price: () => _("Market price"),
  season_weather: () => _("Season and weather"),
  marketplace_tip: () => _("Marketplace tip"),
  training: () => _("Training announcement"),
  buyer_wanted: () => _("Buyer looking for a product"),
};
const UNIT_NAMES = {
  kg: () => _("per kg"),
  fruit: () => _("per fruit"),
  dozen: () => _("per dozen"),
  ton: () => _("per ton"),
  litre: () => _("per litre"),
};

/** Whether a bulletin is still to be shown: not withdrawn (those are deleted) and not expired. */
export function isLive(bulletin) {
  return !bulletin.deleted && bulletin.expires_on >= today();
}

/** Live bulletins, newest first (by version, the order they were published in). */
export async function liveBulletins() {
  const rows = (await allRecords("bulletin")).filter(isLive);
  return rows.sort((a, b) => (b.version || 0) - (a.version || 0));
}

/** The communes a bulletin's place reaches on this phone: the commune itself, a province's, a hamlet's. */
export async function reaches(bulletin, communeCode) {
  const { places = [] } = await reference();
  const commune = places.find((p) => p.code === communeCode);
  const place = places.find((p) => p.code === bulletin.place_code);
  if (bulletin.place_code === communeCode) return true;
  if (commune && commune.parent_code === bulletin.place_code) return true;
  return Boolean(place && place.kind === "hamlet" && place.parent_code === communeCode);
}

/** {title, body, language, fallback}: the trainer's language if written, else Vietnamese (marked). */
export function textOf(bulletin) {
  const texts = bulletin.texts || {};
  const mine = texts[language()];
  if (mine && mine.title) return { ...mine, language: language(), fallback: false };
  return { title: "", body: "", ...texts.vi, language: "vi", fallback: language() !== "vi" };
}

/** The price line, when the bulletin gives a price. */
export function priceLine(bulletin) {
  if (bulletin.price === null || bulletin.price === undefined) return null;
  const unit = UNIT_NAMES[bulletin.price_unit] ? UNIT_NAMES[bulletin.price_unit]() : "";
  return `${new Intl.NumberFormat(language()).format(bulletin.price)} đ ${unit}`.trim();
}

/** Plain text as paragraphs and bullet lists: [{kind: "p", text} | {kind: "ul", items}]. */
export function blocks(body) {
  const result = [];
  for (const raw of (body || "").split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith("- ")) {
      const item = line.slice(2).trim();
      if (!item) continue;
      const last = result[result.length - 1];
      if (last && last.kind === "ul") last.items.push(item);
      else result.push({ kind: "ul", items: [item] });
    } else {
      result.push({ kind: "p", text: line });
    }
  }
  return result;
}

async function shownMap(s) {
  return (await done(s[META].get(SHOWN)))?.value || {};
}

/** Remember that the trainer opened a bulletin (reported with the next push). */
export function markShown(id) {
  return transaction([META], "readwrite", async (s) => {
    const shown = await shownMap(s);
    if (!(id in shown)) s[META].put({ key: SHOWN, value: { ...shown, [id]: false } });
  });
}

/** Ids of bulletins opened but not yet reported to the server. */
export function unreportedShown() {
  return transaction([META], "readonly", async (s) =>
    Object.entries(await shownMap(s))
      .filter(([, reported]) => !reported)
      .map(([id]) => id),
  );
}

/** The server has these ids: do not send them again. */
export function reportedShown(ids) {
  return transaction([META], "readwrite", async (s) => {
    const shown = await shownMap(s);
    for (const id of ids) shown[id] = true;
    s[META].put({ key: SHOWN, value: shown });
  });
}
