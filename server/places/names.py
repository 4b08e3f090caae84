"""Place names as people write them: keys that find a commune or hamlet from a list's spelling.

A commune office writes "Xã Ngãi Xuyên" (the name before the 2025 reform), "Thị trấn Trà Cú,
Huyện Trà Cú" or just "Tập Sơn"; a hamlet stored as "Ấp Sóc Chuối (ភូមិស្រុកចេក)" is written
"Sóc Chuối", "Phum Sóc Chuối" or "ភូមិស្រុកចេក". Each spelling gives keys from the most to the
least exact; a key two places share finds neither.

Labels with little room print the former units shorter: "X. Ngãi Xuyên" for "Xã Ngãi Xuyên"
(`former_units`).
"""

import re

from server.text import fold

COMMUNE_PREFIXES = ("xa", "phuong", "thi tran", "dac khu", "tt", "p")
HAMLET_PREFIXES = ("ap", "thon", "ban", "soc", "phum", "khom", "to", "khu pho", "kp", "xom", "ភូមិ")
_PARENTHESES = re.compile(r"\(([^)]*)\)")


def _without_prefix(folded: str, prefixes: tuple[str, ...]) -> str | None:
    for prefix in sorted(prefixes, key=len, reverse=True):
        if folded.startswith(prefix) and folded != prefix:
            rest = folded[len(prefix) :].lstrip(" .")
            # Khmer writes ភូមិ joined to the name; Latin prefixes end at a space or a dot.
            if rest and (prefix == "ភូមិ" or folded[len(prefix)] in " ."):
                return rest
    return None


def _spellings(name: str, prefixes: tuple[str, ...]) -> list[str]:
    """The folded name, without its bracketed part, without its prefix, and the bracketed part alone."""
    folded = fold(name).replace("\u200b", "")
    outside = fold(_PARENTHESES.sub(" ", folded))
    inside = [fold(part) for part in _PARENTHESES.findall(folded)]
    keys = [folded, outside]
    for text in (outside, *inside):
        keys += [text, _without_prefix(text, prefixes)]
    return list(dict.fromkeys(key for key in keys if key))


def hamlet_keys(name: str) -> list[str]:
    """Keys of a hamlet's name, most exact first ("ap soc chuoi (…)", "ap soc chuoi", "soc chuoi", …)."""
    return _spellings(name, HAMLET_PREFIXES)


def hamlet_key(name: str) -> str:
    """The one key a new hamlet is known by: folded, without its bracketed part and prefix."""
    outside = fold(_PARENTHESES.sub(" ", name)) or fold(name)
    return _without_prefix(outside, HAMLET_PREFIXES) or outside


def commune_keys(name: str) -> list[str]:
    """Keys of a commune's name or former name: whole, with its district only, alone, without "Xã"/"Phường"."""
    parts = [part.strip() for part in fold(name).split(",")]
    first = parts[0]
    keys = [", ".join(parts), ", ".join(parts[:2]), first, _without_prefix(first, COMMUNE_PREFIXES)]
    return list(dict.fromkeys(key for key in keys if key))


class NameIndex:
    """Places found by the keys of their names; a key shared by two places finds none."""

    def __init__(self):
        self._codes: dict[str, set[str]] = {}

    def add(self, code: str, keys: list[str]) -> None:
        """Index a place under its keys."""
        for key in keys:
            self._codes.setdefault(key, set()).add(code)

    def shared(self, keys: list[str]) -> bool:
        """Whether the most exact key found names several places (the spelling needs more, e.g. a district)."""
        found = next((self._codes[key] for key in keys if key in self._codes), set())
        return len(found) > 1

    def find(self, keys: list[str]) -> str | None:
        """The one place the most exact key that names a single place finds."""
        for key in keys:
            codes = self._codes.get(key)
            if codes and len(codes) == 1:
                return next(iter(codes))
        return None


# The abbreviations Vietnamese addresses use on labels, longest unit word first ("Thị xã" before "Xã").
_UNIT_ABBREVIATIONS = (
    ("Thành phố", "TP."),
    ("Thị trấn", "TT."),
    ("Thị xã", "TX."),
    ("Phường", "P."),
    ("Huyện", "H."),
    ("Quận", "Q."),
    ("Tỉnh", "T."),
    ("Xã", "X."),
)


def _split_unit(name: str) -> tuple[str | None, str]:
    """("Thị trấn", "Trà Cú") for "Thị trấn Trà Cú"; (None, name) without a unit word."""
    for unit, _short in _UNIT_ABBREVIATIONS:
        if name.startswith(unit + " ") and name[len(unit) + 1 :].strip():
            return unit, name[len(unit) + 1 :].strip()
    return None, name


def abbreviated(name: str) -> str:
    """ "X. Ngãi Xuyên" for "Xã Ngãi Xuyên"; a name without a unit word stays as it is."""
    unit, rest = _split_unit(name)
    return f"{dict(_UNIT_ABBREVIATIONS)[unit]} {rest}" if unit else name


def bare(name: str) -> str:
    """ "Ngãi Xuyên" for "Xã Ngãi Xuyên"; a numbered unit ("Phường 5") keeps its abbreviation."""
    unit, rest = _split_unit(name)
    return abbreviated(name) if unit and rest.isdigit() else rest


def former_units(legacy: list[str]) -> list[str]:
    """Every former unit a commune was formed from, longest form first, each shorter than the last.

    Legacy names are full paths ("Xã Ngãi Xuyên, Huyện Trà Cú, Tỉnh Trà Vinh"); the province is
    printed on its own line, so the forms are: units with their districts, the same abbreviated,
    the abbreviated units alone, then the bare names.
    """
    paths = [[part.strip() for part in line.split(",") if part.strip()] for line in legacy if line.strip()]
    if not paths:
        return []
    units = [path[0] for path in paths]
    districts = list(dict.fromkeys(path[1] for path in paths if len(path) > 2))

    def listed(names: list[str], around: list[str]) -> str:
        return ", ".join(names) + (f" ({', '.join(around)})" if around else "")

    forms = [
        listed(units, districts),
        listed([abbreviated(u) for u in units], [abbreviated(d) for d in districts]),
        listed([abbreviated(u) for u in units], []),
        listed([bare(u) for u in units], []),
    ]
    return list(dict.fromkeys(forms))
