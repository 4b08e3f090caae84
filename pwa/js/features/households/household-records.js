// Reading a household with what hangs off it, and the one- or two-tap changes made at check-in.

import { getRecord, recordsBy } from "../../db.js";
import { recordChange } from "../../sync/outbox.js";
import { uuid7 } from "../../uuid.js";

/** A household with its consents (by purpose), seller and e-payment accounts; null if unknown. */
export async function loadHousehold(id) {
  const household = await getRecord("household", id);
  if (!household || household.deleted) return null;
  const [consents, marketplace, payment] = await Promise.all([
    recordsBy("consent", "household_id", id),
    recordsBy("marketplace_account", "household_id", id),
    recordsBy("payment_account", "household_id", id),
  ]);
  return { household, consents: new Map(consents.map((c) => [c.purpose, c])), marketplace, payment };
}

/** Record that the household now has a smartphone. */
export function gotSmartphone(householdId) {
  return recordChange("household", householdId, { smartphone: "yes" });
}

/** Record a newly opened seller account on a platform (nothing if one is already recorded). */
export async function openedSellerAccount(householdId, platform) {
  const existing = await recordsBy("marketplace_account", "household_id", householdId);
  if (existing.some((a) => a.platform === platform)) return 0;
  const fields = { household_id: householdId, platform, shop_name: null, status: "opened" };
  return recordChange("marketplace_account", uuid7(), fields);
}

/** Record a newly opened e-payment account with a provider (nothing if one is already recorded). */
export async function openedPaymentAccount(householdId, provider) {
  const existing = await recordsBy("payment_account", "household_id", householdId);
  if (existing.some((a) => a.provider === provider)) return 0;
  return recordChange("payment_account", uuid7(), { household_id: householdId, provider, status: "opened" });
}
