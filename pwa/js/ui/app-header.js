// The top bar: app name, connection state and the number of changes waiting or to fix.

import { _, formatNumber } from "../i18n.js";
import { outboxEvents, pendingCount, rejectedEntries } from "../sync/outbox.js";
import { h, listenWhileShown, replace } from "./h.js";
import { progressBar } from "./progress-bar.js";

/** The header element; it keeps itself up to date. */
export function appHeader() {
  const connection = h("span", { class: "connection", "data-testid": "connection" });
  const badge = h("a", { class: "pending-badge", href: "#/sync", "data-testid": "pending-badge" });
  const header = h(
    "header",
    { class: "topbar" },
    h("a", { class: "brand", href: "#/" }, _("Lên Sàn")),
    connection,
    badge,
    h("a", { class: "settings-link", href: "#/settings", "aria-label": _("Settings and language") }, "⚙"),
    progressBar(),
  );
  const showConnection = () => {
    replace(connection, navigator.onLine ? _("Online") : _("Offline"));
    connection.classList.toggle("offline", !navigator.onLine);
  };
  // Refused changes wait for the trainer to fix them, not for the network: counted apart.
  const showPending = async () => {
    const [count, refused] = await Promise.all([pendingCount(), rejectedEntries().then((r) => r.length)]);
    replace(
      badge,
      [
        count > refused ? _("%(count)s to send", { count: formatNumber(count - refused) }) : null,
        refused ? _("%(count)s to fix", { count: formatNumber(refused) }) : null,
      ]
        .filter(Boolean)
        .join(" · "),
    );
    badge.classList.toggle("to-fix", refused > 0);
    badge.hidden = count === 0;
  };
  listenWhileShown(header, window, "online", showConnection);
  listenWhileShown(header, window, "offline", showConnection);
  listenWhileShown(header, outboxEvents, "change", showPending);
  showConnection();
  showPending();
  return header;
}
