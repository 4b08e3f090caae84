// What changed for a household since last time, recorded during check-in in one or two taps.

import { _ } from "../../i18n.js";
import { PLATFORMS, PROVIDERS, nameOf } from "../../reference.js";
import { h, replace } from "../../ui/h.js";
import { notice } from "../../ui/notice.js";
import { gotSmartphone, openedPaymentAccount, openedSellerAccount } from "../households/household-records.js";

function chips(codes, vocabulary, onPick) {
  return h(
    "div",
    { class: "chips" },
    codes.map((code) =>
      h("button", { type: "button", class: "chip", onclick: () => onPick(code) }, nameOf(vocabulary, code)),
    ),
  );
}

/** Buttons for one household: got a smartphone, opened a seller account, opened an e-payment account. */
export function quickChanges(household, onChanged) {
  const picker = h("div", { class: "picker" });
  const smartphone = h(
    "button",
    { type: "button", class: "small", disabled: household.smartphone === "yes" },
    household.smartphone === "yes" ? _("Has a smartphone") : _("Got a smartphone"),
  );
  smartphone.addEventListener("click", async () => {
    await gotSmartphone(household.id);
    notice(_("Recorded: %(name)s has a smartphone.", { name: household.head_name }));
    onChanged();
  });
  const open = (vocabulary, codes, record) => () =>
    replace(
      picker,
      chips(codes, vocabulary, async (code) => {
        const added = await record(household.id, code);
        replace(picker);
        notice(
          added
            ? _("Recorded: %(account)s account opened.", { account: nameOf(vocabulary, code) })
            : _("This account was already recorded."),
        );
        onChanged();
      }),
    );
  return h(
    "div",
    { class: "quick-changes" },
    smartphone,
    h(
      "button",
      { type: "button", class: "small", onclick: open("platform", PLATFORMS, openedSellerAccount) },
      _("Opened a seller account"),
    ),
    h(
      "button",
      { type: "button", class: "small", onclick: open("provider", PROVIDERS, openedPaymentAccount) },
      _("Opened an e-payment account"),
    ),
    picker,
  );
}
