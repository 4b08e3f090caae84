// Signing in and out: the device token, the user and their scope, kept in the meta store.

import { post, request, setToken } from "./api.js";
import { deleteEverything, getMeta, setMeta } from "./db.js";
import { startSyncTriggers, stopSyncTriggers } from "./sync/engine.js";
import { APP_VERSION } from "./version.js";

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

function deviceLabel() {
  const platform = navigator.userAgentData?.platform || navigator.platform || "";
  return ("Lên Sàn app " + platform).trim().slice(0, 120);
}

/** The server refused the token: keep the local data and the outbox, but ask to sign in again. */
export function markExpired() {
  if (current) current = { ...current, expired: true };
}

/** Sign in online; the token and profile are kept so the app works offline afterwards. */
export async function signIn(username, password) {
  const reply = await post("/api/v1/auth/token", {
    username,
    password,
    device_label: deviceLabel(),
    app_version: APP_VERSION,
  });
  current = {
    token: reply.token,
    device_id: reply.device_id,
    user: reply.user,
    scope: reply.scope,
    signed_in_at: Date.now(),
  };
  await setMeta("session", current);
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
