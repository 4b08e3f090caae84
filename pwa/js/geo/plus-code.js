// Open Location Code ("Plus Code") encoder, written from the public specification, so a
// household's digital address is computed on the phone without a network.

const ALPHABET = "23456789CFGHJMPQRVWX";
const PAIR_LENGTH = 10;
const MAX_LENGTH = 15;
const GRID_ROWS = 5;
const GRID_COLUMNS = 4;
const LAT_PRECISION = 8000 * GRID_ROWS ** 5; // units of the 15th digit per degree of latitude
const LNG_PRECISION = 8000 * GRID_COLUMNS ** 5;

/** The Plus Code of a point; length 10 (about 14 m) unless asked (2, 4, 6, 8, or 10 to 15). */
export function encodePlusCode(latitude, longitude, length = 10) {
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) throw new RangeError("not a point");
  const codeLength = Math.min(length, MAX_LENGTH);
  if (codeLength < 2 || (codeLength < PAIR_LENGTH && codeLength % 2 === 1)) {
    throw new RangeError("invalid Plus Code length");
  }
  let [latValue, lngValue] = toIntegers(latitude, longitude);
  let code = "";
  if (codeLength > PAIR_LENGTH) {
    for (let i = 0; i < MAX_LENGTH - PAIR_LENGTH; i++) {
      code = ALPHABET[(latValue % GRID_ROWS) * GRID_COLUMNS + (lngValue % GRID_COLUMNS)] + code;
      latValue = Math.floor(latValue / GRID_ROWS);
      lngValue = Math.floor(lngValue / GRID_COLUMNS);
    }
  } else {
    latValue = Math.floor(latValue / GRID_ROWS ** 5);
    lngValue = Math.floor(lngValue / GRID_COLUMNS ** 5);
  }
  for (let i = 0; i < PAIR_LENGTH / 2; i++) {
    code = ALPHABET[lngValue % 20] + code;
    code = ALPHABET[latValue % 20] + code;
    latValue = Math.floor(latValue / 20);
    lngValue = Math.floor(lngValue / 20);
  }
  code = code.slice(0, 8) + "+" + code.slice(8);
  if (codeLength >= 8) return code.slice(0, codeLength + 1);
  return code.slice(0, codeLength) + "0".repeat(8 - codeLength) + "+";
}

// Degrees to whole units of the finest grid, counted from the south-west corner of the world.
function toIntegers(latitude, longitude) {
  let lat = Math.floor(Math.round(latitude * LAT_PRECISION * 1e6) / 1e6) + 90 * LAT_PRECISION;
  lat = Math.min(Math.max(lat, 0), 180 * LAT_PRECISION - 1);
  let lng = longitude;
  if (lng < -180 || lng >= 180) lng = ((((lng + 180) % 360) + 360) % 360) - 180;
  let lngValue = Math.floor(Math.round(lng * LNG_PRECISION * 1e6) / 1e6) + 180 * LNG_PRECISION;
  lngValue = ((lngValue % (360 * LNG_PRECISION)) + 360 * LNG_PRECISION) % (360 * LNG_PRECISION);
  return [lat, lngValue];
}
