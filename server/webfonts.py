"""Fonts the web pages load: the packaged Noto files, and a small Khmer font for public pages.

The packaged Noto Sans Khmer is 360 KB (every weight and width). A buyer's phone opening an
origin page in Khmer needs only the Khmer letters at the weights the pages use, so that page
gets a subset: the Khmer block with its shaping tables (GSUB/GPOS, so consonant stacks and
reordered vowels still come out right), normal width, weights 400–700, as WOFF2 (about 31 KB).
It is made from the packaged font on first use and kept under instance/fonts/; the recipe
version in its name changes whenever the recipe does, so browsers may cache it for a year.
"""

import io
import os
import tempfile
import threading
from pathlib import Path

import fontpkg_noto_sans
import fontpkg_noto_sans_khmer
from flask import current_app

PACKAGED = {
    "noto-sans.ttf": fontpkg_noto_sans.ROOT / "files" / "NotoSans[wdth,wght].ttf",
    "noto-sans-khmer.ttf": fontpkg_noto_sans_khmer.ROOT / "files" / "NotoSansKhmer[wdth,wght].ttf",
}
KHMER_WEB = "noto-sans-khmer-web-1.woff2"
# The Khmer block, Khmer symbols, the zero-width space Khmer text breaks at, and the dotted circle
# shapers draw under a lone vowel sign.
KHMER_UNICODES = [*range(0x1780, 0x1800), *range(0x19E0, 0x1A00), 0x200B, 0x25CC]
_building = threading.Lock()


def khmer_web_font() -> bytes:
    """The Khmer subset as WOFF2, built from the packaged font on first use."""
    source = PACKAGED["noto-sans-khmer.ttf"].stat()
    # Named after the packaged file too, so an upgraded font package is subset again.
    path = Path(current_app.instance_path) / "fonts" / f"{source.st_size}-{int(source.st_mtime)}-{KHMER_WEB}"
    if not path.exists():
        with _building:
            if not path.exists():
                _write(path, build_khmer_subset())
    return path.read_bytes()


def build_khmer_subset(flavor: str | None = "woff2") -> bytes:
    """The Khmer letters of Noto Sans Khmer at normal width and weights 400–700."""
    from fontTools import subset  # imported here: only the first Khmer page needs it
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(PACKAGED["noto-sans-khmer.ttf"])
    options = subset.Options()
    options.layout_features = ["*"]  # every shaping feature: Khmer is unreadable without them
    options.name_IDs = ["*"]
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=KHMER_UNICODES)
    subsetter.subset(font)
    font = instancer.instantiateVariableFont(font, {"wdth": 100, "wght": (400, 700)})
    font.flavor = flavor
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _write(path: Path, data: bytes) -> None:
    """Write whole or not at all: another worker may be reading the same file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)
