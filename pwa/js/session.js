// Signing in and out: the device token, the user and their scope, kept in the meta store.

import { post, request, setToken } from "./api.js";
import { deleteEverything, getMeta, setMeta } from "./db.js";
import { startSyncTriggers, stopSyncTriggers } from "./sync/engine.js";
import { appVersion } from "./version.js";

let current = null;

/** The signed-in session ({token, device_id, user, scope}) or null. */
export function session() {
  return current;
}

/** Restore the session kept on the phone (app open, also offline). */
export async function restoreSession() {
  current = (await getMeta("session")) || null;
  setToken(current ? current.token : null);
  return current;
}

const BROWSERS = [
  ["SamsungBrowser/", "Samsung Internet"],
  ["Edg", "Edge"],
  ["OPR/", "Opera"],
  ["Firefox/", "Firefox"],
  ["FxiOS/", "Firefox"],
  ["CriOS/", "Chrome"],
  ["Chrome/", "Chrome"],
  ["Safari/", "Safari"],
];
const SYSTEMS = [
  ["Android", "Android"],
  ["iPhone", "iPhone"],
  ["iPad", "iPad"],
  ["CrOS", "ChromeOS"],
  ["Windows", "Windows"],
  ["Mac OS", "macOS"],
  ["Linux", "Linux"],
];
export const DEVICE_LABEL_MAX = 120;

/** A name for this phone from its browser, such as "Chrome · Android", until the trainer gives one. */
export function suggestedDeviceLabel() {
  const agent = navigator.userAgent || "";
  const browser = BROWSERS.find(([mark]) => agent.includes(mark))?.[1];
  const system = SYSTEMS.find(([mark]) => agent.includes(mark))?.[1];
  return [browser, system].filter(Boolean).join(" · ") || "Lên Sàn";
}

/** The name this phone was last signed in under, or a suggestion. */
export async function deviceLabel() {
  return (await getMeta("device_label")) || suggestedDeviceLabel();
}

/** The server refused the token: keep the local data and the outbox, but ask to sign in again. */
export function markExpired() {
  if (current) current = { ...current, expired: true };
}

/** Sign in online under the phone's name; the token and profile are kept so the app works offline afterwards. */
export async function signIn(username, password, label) {
  const device_label = (label || "").trim().slice(0, DEVICE_LABEL_MAX) || suggestedDeviceLabel();
  const app_version = await appVersion();
  const reply = await post("/api/v1/auth/token", { username, password, device_label, app_version });
  current = {
    token: reply.token,
    device_id: reply.device_id,
    device_label,
    user: reply.user,
    scope: reply.scope,
    signed_in_at: Date.now(),
  };
  await setMeta("session", current);
  await setMeta("device_label", device_label);
  await setMeta("reported_version", app_version);
  setToken(current.token);
  startSyncTriggers();
  return current;
}

/** Ask the browser to keep our storage when space runs low; remembers and returns the answer. */
export async function askPersistentStorage() {
  if (!navigator.storage || !navigator.storage.persist) return false;
  const persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
  await setMeta("storage_persisted", persisted);
  return persisted;
}

/** Sign out: revoke the token (when online) and remove every local record from the phone. */
export async function signOut() {
  stopSyncTriggers();
  try {
    await request("DELETE", "/api/v1/auth/token");
  } catch {
    // Offline or already revoked: the token expires by itself when unused.
  }
  setToken(null);
  current = null;
  await deleteEverything();
}
