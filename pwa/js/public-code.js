// Public codes printed on labels (server/public/codes.py): a record's UUID in lower-case
// Crockford base32, 26 characters, most significant first; i, l and o are read as 1, 1 and 0.
// Household codes (householdCode): the short code on an address label, seven characters of the
// same alphabet from a hash of the household id, made exactly as server/public/codes.py does.

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const VALUES = new Map([...ALPHABET].map((ch, i) => [ch, BigInt(i)]));
VALUES.set("i", 1n).set("l", 1n).set("o", 0n);
const CODE_LENGTH = 26;

/** The record id (UUID string) a public code stands for, or null when it is not one. */
export function recordId(code) {
  const text = String(code || "")
    .trim()
    .toLowerCase();
  if (text.length !== CODE_LENGTH) return null;
  let value = 0n;
  for (const ch of text) {
    if (!VALUES.has(ch)) return null;
    value = (value << 5n) | VALUES.get(ch);
  }
  if (value >> 128n) return null;
  const hex = value.toString(16).padStart(32, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const MASK64 = (1n << 64n) - 1n;
const HOUSEHOLD_CODE_LENGTH = 7;

function mix(id) {
  const hex = String(id).replace(/-/g, "");
  let value = 0xcbf29ce484222325n;
  for (let i = 0; i < 32; i += 2) {
    value = ((value ^ BigInt(parseInt(hex.slice(i, i + 2), 16))) * 0x100000001b3n) & MASK64;
  }
  value ^= value >> 33n;
  value = (value * 0xff51afd7ed558ccdn) & MASK64;
  value ^= value >> 33n;
  value = (value * 0xc4ceb9fe1a85ec53n) & MASK64;
  return value ^ (value >> 33n);
}

/** The short household code printed on its address label ("K7M-4QXR"), as the server makes it. */
export function householdCode(id) {
  if (!/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(String(id || ""))) return "";
  let value = mix(id.toLowerCase()) >> BigInt(64 - 5 * HOUSEHOLD_CODE_LENGTH);
  let code = "";
  for (let i = 0; i < HOUSEHOLD_CODE_LENGTH; i++) {
    code = ALPHABET[Number(value & 31n)] + code;
    value >>= 5n;
  }
  code = code.toUpperCase();
  return `${code.slice(0, 3)}-${code.slice(3)}`;
}

/** A typed household code as the search key: lower case, no dash or space, i/l/o read as 1/1/0. */
export function householdCodeKey(text) {
  return String(text || "")
    .toLowerCase()
    .replace(/[\s-]/g, "")
    .replace(/[il]/g, "1")
    .replace(/o/g, "0");
}
