// Public codes printed on labels (server/public/codes.py): a record's UUID in lower-case
// Crockford base32, 26 characters, most significant first; i, l and o are read as 1, 1 and 0.

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
