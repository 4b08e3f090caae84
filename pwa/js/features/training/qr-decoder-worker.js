// Classic worker decoding QR codes with jsQR where the browser has no BarcodeDetector.
// jsQR is installed by the set-up from the npm registry (package.json) and served at /app/vendor/.
/* global jsQR */
importScripts("/app/vendor/jsqr.js");

self.onmessage = (event) => {
  const { width, height, pixels } = event.data;
  const found = jsQR(pixels, width, height, { inversionAttempts: "dontInvert" });
  self.postMessage(found ? found.data : null);
};
