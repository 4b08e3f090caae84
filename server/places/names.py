"""Shorter forms of the place names used before the 2025 reform, for labels with little room."""

# The abbreviations Vietnamese addresses use, longest unit word first ("Thị xã" before "Xã").
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
