"""Checks that stored text came out inert: as text in HTML, data in JSON and SVG, text in spreadsheets."""

import csv
import io
import json
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser

from markupsafe import escape
from openpyxl import load_workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
SVG_ELEMENTS = {"svg", "rect", "g", "text", "polygon"}


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes, as a browser's tokenizer sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def active_markup(html: str) -> list[str]:
    """What in a page would run script: inline scripts, event handlers, javascript: links, stray elements."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    found = []
    for tag, attrs in parser.tags:
        if tag == "script" and not attrs.get("src") and "json" not in attrs.get("type", ""):
            found.append(f"inline <script> {attrs}")
        if tag in ("iframe", "object", "embed", "base") or (tag == "img" and attrs.get("src") == "x"):
            found.append(f"<{tag}> {attrs}")
        found += [f"<{tag} {name}=...>" for name in attrs if name.startswith("on")]
        for name, value in attrs.items():
            if name in URL_ATTRIBUTES and "".join(value.split()).lower().startswith(("javascript:", "data:text")):
                found.append(f"<{tag} {name}={value!r}>")
    return found


def html_problems(html: str, values: dict[str, str], seen: set[str], where: str) -> list[str]:
    """Problems of one page; `values` maps each column to its stored value and marker, `seen` collects markers."""
    problems = [f"{where}: {item}" for item in active_markup(html)]
    for key, (value, marker) in values.items():
        if any(ch in value for ch in "<>\"'&") and value in html:
            problems.append(f"{where}: {key} unescaped")
        if marker in html:
            seen.add(key)
            if str(escape(value)) not in html:
                problems.append(f"{where}: {key} shown altered, not as the escaped text")
    return problems


def json_problems(response, values: dict[str, str], seen: set[str], where: str) -> list[str]:
    """JSON is served as JSON (never sniffed as HTML) and carries each value verbatim."""
    problems = []
    if not (response.mimetype == "application/json" or response.mimetype.endswith("+json")):
        problems.append(f"{where}: served as {response.mimetype}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{where}: no nosniff")
    strings = list(_strings(json.loads(response.get_data(as_text=True))))
    for key, (value, marker) in values.items():
        holding = [s for s in strings if marker in s]
        if holding:
            seen.add(key)
        problems += [f"{where}: {key} altered in {s!r}" for s in holding if value not in s]
    return problems


def _strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_cells(body: bytes) -> list[str]:
    """Every cell of a CSV export (UTF-8 with a byte-order mark)."""
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text[1:])) for cell in row]


def csv_problems(body: bytes, values: dict[str, str], seen: set[str], where: str) -> list[str]:
    """No cell starts like a formula; a defused cell reads as the value after its quote."""
    problems = []
    for cell in csv_cells(body):
        if cell.startswith(FORMULA_STARTS) and not _is_number(cell):
            problems.append(f"{where}: cell {cell!r} would run as a formula")
        for key, (value, marker) in values.items():
            if marker in cell:
                seen.add(key)
                shown = cell[1:] if cell.startswith("'") and value.startswith(FORMULA_STARTS) else cell
                if value not in shown:
                    problems.append(f"{where}: {key} unreadable in {cell!r}")
    return problems


def xlsx_problems(body: bytes, values: dict[str, str], seen: set[str], where: str) -> list[str]:
    """No formula anywhere in the workbook; text cells are of type string and read back unchanged."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and (b"<f>" in archive.read(name) or b"<f " in archive.read(name)):
                problems.append(f"{where}: {name} holds a formula")
    book = load_workbook(io.BytesIO(body))
    for row in book.worksheets[0].iter_rows():
        for cell in row:
            if cell.data_type == "f":
                problems.append(f"{where}: {cell.coordinate} is a formula")
            if not isinstance(cell.value, str):
                continue
            for key, (value, marker) in values.items():
                if marker in cell.value:
                    seen.add(key)
                    if value not in cell.value or cell.data_type != "s":
                        problems.append(f"{where}: {key} in {cell.coordinate} is {cell.data_type} {cell.value!r}")
                    elif cell.value.startswith(FORMULA_STARTS) and not cell.quotePrefix:
                        # Without the quote prefix Excel turns the text into a formula once edited.
                        problems.append(f"{where}: {key} in {cell.coordinate} lacks the quote prefix")
    return problems


def svg_problems(svg: str, where: str) -> list[str]:
    """A label SVG is well-formed, holds only drawing elements, and no attribute handler or link."""
    root = ET.fromstring(svg)  # noqa: S314  (the server's own output under test)
    problems = []
    for element in root.iter():
        name = element.tag.split("}")[-1]
        if name not in SVG_ELEMENTS:
            problems.append(f"{where}: <{name}>")
        problems += [f"{where}: <{name} {a}>" for a in element.attrib if a.split("}")[-1].startswith(("on", "href"))]
    return problems


def svg_text(svg: str) -> str:
    """The text drawn on an SVG label, runs joined."""
    root = ET.fromstring(svg)  # noqa: S314  (the server's own output under test)
    return "".join(element.text or "" for element in root.iter("{http://www.w3.org/2000/svg}text"))
