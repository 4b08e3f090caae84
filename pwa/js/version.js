// The app's version as reported to the server with every push and at sign-in, and shown in the
// settings: the release, then the shell version of the service worker serving the app (a hash of
// the shell's files), so a supervisor can tell which phones have not taken an update yet.

const RELEASE = "0.1.0";
let asked = null;

function shellVersion() {
  const worker = navigator.serviceWorker?.controller;
  if (!worker) return Promise.resolve(null);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), 1000);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      resolve(typeof event.data === "string" ? event.data : null);
    };
    worker.postMessage({ type: "VERSION" }, [channel.port2]);
  });
}

/** "0.1.0+<shell version>", or the release alone before a service worker serves the app. */
export async function appVersion() {
  if (!asked) asked = shellVersion();
  const shell = await asked;
  if (!shell) asked = null; // not served by a worker yet: ask again next time
  return shell ? `${RELEASE}+${shell}` : RELEASE;
}
