// Scan the QR code of a household's address label with the camera. The label's QR holds
// PUBLIC_BASE_URL/a/<code>. BarcodeDetector where the browser has it, jsQR in a worker otherwise.

import { _ } from "../../i18n.js";
import { h, replace } from "../../ui/h.js";

/** The address code in a scanned text ("https://…/a/<code>"), or null. */
export function addressCode(text) {
  try {
    const match = /^\/a\/([^/?#]+)\/?$/.exec(new URL(text).pathname);
    return match ? decodeURIComponent(match[1]) : null;
  } catch {
    return null;
  }
}

function makeDecoder() {
  if ("BarcodeDetector" in window) {
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    return { decode: async (video) => (await detector.detect(video))[0]?.rawValue || null, close() {} };
  }
  const worker = new Worker("/app/js/features/training/qr-decoder-worker.js");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const decode = (video) =>
    new Promise((resolve) => {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      if (!canvas.width) return resolve(null);
      context.drawImage(video, 0, 0);
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = () => resolve(null);
      worker.postMessage({ width: canvas.width, height: canvas.height, pixels: data }, [data.buffer]);
    });
  return { decode, close: () => worker.terminate() };
}

/** Open the camera; `onCode(code)` resolves true to close it. Returns a stop function. */
export function openScanner(container, onCode) {
  const video = h("video", { playsinline: true, muted: true, class: "scanner-video", "aria-label": _("Camera") });
  const status = h("p", { role: "status" }, _("Point the camera at the QR code on the household's label."));
  let stream = null;
  let stopped = false;
  let decoder = null;
  const stop = () => {
    stopped = true;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    if (decoder) decoder.close();
    container.replaceChildren();
  };
  replace(
    container,
    h(
      "div",
      { class: "scanner card" },
      video,
      status,
      h("button", { type: "button", onclick: stop }, _("Close camera")),
    ),
  );
  const loop = async () => {
    if (stopped) return;
    const text = await decoder.decode(video).catch(() => null);
    const code = text ? addressCode(text) : null;
    if (code && !stopped && (await onCode(code))) return stop();
    if (text && !code) replace(status, _("This QR code is not a household address label."));
    if (code) replace(status, _("No household on this phone has this label."));
    setTimeout(loop, 250);
  };
  navigator.mediaDevices
    .getUserMedia({ video: { facingMode: "environment" }, audio: false })
    .then(async (media) => {
      stream = media;
      video.srcObject = media;
      await video.play();
      decoder = makeDecoder();
      loop();
    })
    .catch(() => replace(status, _("The camera could not be opened. Check that the app may use it.")));
  return stop;
}
