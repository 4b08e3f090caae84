// The home's location from the phone's GPS, only with consent, and its Plus Code computed here.

import { encodePlusCode } from "../../geo/plus-code.js";
import { _ } from "../../i18n.js";
import { h, replace } from "../../ui/h.js";

/** The location control; returns {element, value(), setAllowed(bool)}. */
export function locationCapture(household) {
  let point = household.latitude != null ? { latitude: household.latitude, longitude: household.longitude } : null;
  let allowed = false;
  const shown = h("p", { "data-testid": "plus-code" });
  const button = h("button", { type: "button" }, _("Record location from GPS"));
  const show = () => {
    replace(
      shown,
      point && allowed
        ? _("Plus Code: %(code)s", { code: encodePlusCode(point.latitude, point.longitude) })
        : allowed
          ? _("No location recorded.")
          : _("The location is recorded only with the household's consent."),
    );
    button.disabled = !allowed;
  };
  button.addEventListener("click", () => {
    replace(shown, _("Finding the location…"));
    navigator.geolocation.getCurrentPosition(
      (position) => {
        point = { latitude: round(position.coords.latitude), longitude: round(position.coords.longitude) };
        show();
      },
      () => replace(shown, _("The location could not be found. Check that GPS is on and allowed.")),
      { enableHighAccuracy: true, timeout: 30000, maximumAge: 60000 },
    );
  });
  const element = h("fieldset", { class: "card" }, h("legend", {}, _("Location")), shown, button);
  const setAllowed = (value) => {
    allowed = value;
    show();
  };
  const value = () => {
    if (!allowed || !point) return { latitude: null, longitude: null, plus_code: null };
    return { ...point, plus_code: encodePlusCode(point.latitude, point.longitude) };
  };
  show();
  return { element, value, setAllowed };
}

// About 11 cm: more precision than GPS gives is noise, and less data to keep.
function round(degrees) {
  return Math.round(degrees * 1e6) / 1e6;
}
