"""`flask translate extract|update|compile`: pybabel wrapped, plus JSON catalogues for the PWA."""

import json
import subprocess
import sys
from pathlib import Path

import click
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
PWA_I18N = ROOT / "pwa" / "i18n"
LANGUAGES = ("vi", "km", "en")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)  # noqa: S603


@click.group()
def translate():
    """Extract, update and compile the translation catalogues."""


@translate.command()
def extract():
    """Collect every message from Python, Jinja and the PWA's JavaScript into messages.pot."""
    _pybabel(
        "extract",
        "-F",
        str(TRANSLATIONS / "babel.cfg"),
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--sort-by-file",
        "--no-wrap",
        "--project",
        "Len San",
        "-o",
        str(POT),
        ".",
    )


@translate.command()
def update():
    """Merge messages.pot into every language's catalogue."""
    for lang in LANGUAGES:
        po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        if po.exists():
            _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang, "--no-wrap", "--no-fuzzy-matching")
        else:
            _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang, "--no-wrap")
    _fill_english()


def _fill_english() -> None:
    """Messages are written in English, so the English catalogue is its own source text."""
    po_path = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    for message in catalog:
        if not message.id:
            continue
        message.flags.discard("fuzzy")
        if isinstance(message.id, tuple):
            message.string = tuple(message.id[min(i, 1)] for i in range(len(message.string) or 2))
        else:
            message.string = message.id
    with po_path.open("wb") as fh:
        write_po(fh, catalog, width=0)


@translate.command(name="compile")
def compile_catalogues():
    """Write .mo files for the server and one JSON catalogue per language for the PWA."""
    compile_all()
    click.echo(f"Compiled {', '.join(LANGUAGES)}")


def _in_pwa(message) -> bool:
    """Whether the phone app says this message itself (the server sends its own words translated).

    The phone's catalogues hold only those: the whole catalogue would be a third of the shell
    a phone downloads, in each of the three languages (tests/test_i18n.py checks that every text
    the app's code translates is in them)."""
    return any(path.startswith("pwa/") for path, _line in message.locations)


def compile_all() -> None:
    """Compile every catalogue (also used by tests and the Makefile)."""
    PWA_I18N.mkdir(parents=True, exist_ok=True)
    for lang in LANGUAGES:
        po_path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        with (po_path.with_suffix(".mo")).open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        messages = {}
        for message in catalog:
            if not message.id or message.fuzzy or not _in_pwa(message):
                continue
            if isinstance(message.id, tuple):
                if all(message.string):
                    messages[message.id[0]] = list(message.string)
            elif message.string:
                messages[message.id] = message.string
        payload = {"locale": lang, "plural": catalog.plural_expr, "messages": messages}
        (PWA_I18N / f"{lang}.json").write_text(
            json.dumps(payload, ensure_ascii=False, sort_keys=True), encoding="utf-8"
        )
