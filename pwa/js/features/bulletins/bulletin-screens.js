// The bulletins list and one bulletin, read offline from the last pull; opening one is reported.

import { getRecord } from "../../db.js";
import { _, formatDate } from "../../i18n.js";
import { placeNames } from "../../reference.js";
import { syncEvents } from "../../sync/engine.js";
import { h, listenWhileShown, replace } from "../../ui/h.js";
import { KIND_NAMES, blocks, isLive, liveBulletins, markShown, priceLine, textOf } from "./bulletins.js";

/** A bulletin as a link with its kind and title. */
export function bulletinLink(bulletin) {
  const text = textOf(bulletin);
  return h(
    "li",
    {},
    h(
      "a",
      { class: "row-link", href: `#/bulletins/${bulletin.id}`, "data-testid": "bulletin-link" },
      h("strong", { lang: text.language }, text.title),
      h("span", { class: "muted" }, KIND_NAMES[bulletin.kind] ? KIND_NAMES[bulletin.kind]() : ""),
    ),
  );
}

export async function renderBulletinList(main) {
  const list = await liveBulletins();
  replace(
    main,
    h("h1", {}, _("News for the village")),
    list.length
      ? h("ul", { class: "rows", "data-testid": "bulletins" }, list.map(bulletinLink))
      : h("p", { class: "muted" }, _("No bulletins yet. They come with the next sync.")),
  );
}

function bodyOf(text) {
  return blocks(text).map((block) =>
    block.kind === "ul"
      ? h(
          "ul",
          {},
          block.items.map((item) => h("li", {}, item)),
        )
      : h("p", {}, block.text),
  );
}

export async function renderBulletin(main, { id }) {
  const bulletin = await getRecord("bulletin", id);
  if (!bulletin || !isLive(bulletin)) {
    return replace(main, h("h1", {}, _("This bulletin is no longer on this phone.")));
  }
  const names = await placeNames();
  const text = textOf(bulletin);
  const price = priceLine(bulletin);
  await markShown(bulletin.id);
  replace(
    main,
    h(
      "p",
      { class: "muted" },
      KIND_NAMES[bulletin.kind] ? KIND_NAMES[bulletin.kind]() : "",
      " · ",
      names.get(bulletin.place_code) || "",
    ),
    h("h1", { lang: text.language, "data-testid": "bulletin-title" }, text.title),
    text.fallback
      ? h(
          "p",
          { class: "warn", "data-testid": "bulletin-fallback" },
          _("Shown in Vietnamese: there is no version in your language."),
        )
      : null,
    price ? h("p", {}, h("strong", {}, price), " · ", formatDate(bulletin.price_on)) : null,
    h("div", { lang: text.language }, bodyOf(text.body)),
    h("p", { class: "muted" }, _("Valid until %(date)s", { date: formatDate(bulletin.expires_on) })),
    h("a", { class: "button", href: "#/bulletins" }, _("All bulletins")),
  );
}

async function homeCard() {
  const list = await liveBulletins();
  if (list.length === 0) return null;
  return h(
    "section",
    { class: "card", "data-testid": "home-bulletins" },
    h("h2", {}, _("News for the village")),
    h("ul", { class: "rows" }, list.slice(0, 3).map(bulletinLink)),
    h("a", { href: "#/bulletins" }, _("All bulletins")),
  );
}

/** The home screen's card: the three newest bulletins, drawn again after every sync. */
export async function bulletinsCard() {
  const slot = h("div", {}, await homeCard());
  listenWhileShown(slot, syncEvents, "synced", async () => replace(slot, await homeCard()));
  return slot;
}
