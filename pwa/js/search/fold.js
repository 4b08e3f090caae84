// The same search key as the server's text.fold(): lower case, Vietnamese diacritics removed.
// Only Latin combining marks go: Khmer vowel signs are letters, not accents.

// Zero-width and direction-control characters, which the server removes too (server/text.py).
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Text folded for diacritics-insensitive search. */
export function fold(text) {
  if (!text) return "";
  return text
    .replace(INVISIBLE, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .normalize("NFC")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** Only the digits of a phone number, with +84 written as 0. */
export function phoneDigits(phone) {
  let digits = (phone || "").replace(/\D/g, "");
  if (digits.startsWith("84") && digits.length >= 11) digits = "0" + digits.slice(2);
  return digits;
}
