"""The dry run of an import (every row checked, bad rows and likely duplicates named) and the import."""

import uuid
from collections.abc import Callable

import sqlalchemy as sa

from server.auth.scope import Scope
from server.extensions import db
from server.field_rules import FORMATS, NAME
from server.households import imports
from server.households.duplicates import phone_key
from server.households.models import Household
from server.models_base import utcnow
from server.mutations.web import web_changes, web_mutation
from server.places.models import Place
from server.places.names import NameIndex, commune_keys, hamlet_key, hamlet_keys
from server.text import fold, nfc, strip_invisible

CHUNK = 200
IMPORT_DEVICE = "import"


class Context:
    """Communes, hamlets and existing households the rows are checked against (loaded once)."""

    def __init__(self, scope: Scope, default_commune: str | None, create_hamlets: bool):
        query = sa.select(Place).where(Place.kind.in_(("commune", "hamlet")), Place.deleted_at.is_(None))
        if not scope.everything:
            codes = sorted(scope.communes)
            query = query.where(sa.or_(Place.code.in_(codes), Place.parent_code.in_(codes)))
        places = list(db.session.scalars(query))
        self.communes = {p.code: p for p in places if p.kind == "commune" and scope.covers_commune(p.code)}
        self.commune_names, self.former_names = NameIndex(), NameIndex()
        for commune in self.communes.values():
            self.commune_names.add(commune.code, commune_keys(commune.name))
            for former in commune.legacy_list:
                self.former_names.add(commune.code, commune_keys(former))
        self.hamlets: dict[str, NameIndex] = {}
        for hamlet in (p for p in places if p.kind == "hamlet"):
            self.hamlets.setdefault(hamlet.parent_code, NameIndex()).add(hamlet.code, hamlet_keys(hamlet.name))
        self.hamlet_codes = {p.code: p.parent_code for p in places if p.kind == "hamlet"}
        self.default_commune = default_commune if default_commune in self.communes else None
        self.create_hamlets = create_hamlets
        self.new_hamlets: dict[tuple[str, str], str] = {}  # (commune, hamlet key) → the name first written
        self.seen_ids: dict = {}
        self.seen_phones: dict = {}
        self._existing: dict[str, tuple[dict, dict, set]] = {}

    def commune(self, text: str) -> str | None:
        """A commune code from a code, a current name or a name before the reform, or the chosen default.

        Current names are looked up first: a former commune may share its name with another
        commune of today.
        """
        if not text:
            return self.default_commune
        if text in self.communes:
            return text
        keys = commune_keys(text)
        return self.commune_names.find(keys) or self.former_names.find(keys)

    def commune_shared(self, text: str) -> bool:
        """Whether a commune name that found none is one several communes have had."""
        keys = commune_keys(text)
        return self.commune_names.shared(keys) or self.former_names.shared(keys)

    def hamlet(self, commune: str, text: str) -> str | None:
        """A hamlet of the commune from its code or its name written with or without prefix and Khmer part."""
        if self.hamlet_codes.get(text) == commune:
            return text
        index = self.hamlets.get(commune)
        return index.find(hamlet_keys(text)) if index else None

    def new_hamlet(self, commune: str, text: str) -> str:
        """The name a hamlet missing from the commune will be added with (once, whatever its spelling)."""
        return self.new_hamlets.setdefault((commune, hamlet_key(text)), nfc(text))

    def existing(self, commune: str) -> tuple[dict, dict, set]:
        """(phone → name, (hamlet, folded name) → name, ids) of the commune's counted households."""
        if commune not in self._existing:
            rows = db.session.execute(
                sa.select(Household.id, Household.head_name, Household.hamlet_code, phone_key(Household.phone))
                .where(Household.commune_code == commune, Household.merged_into_id.is_(None))
                .where(Household.deleted_at.is_(None))
            ).all()
            self._existing[commune] = (
                {phone: name for _, name, _, phone in rows if phone},
                {(hamlet, fold(name)): name for _, name, hamlet, _ in rows},
                {household_id for household_id, *_ in rows},
            )
        return self._existing[commune]


def _hamlet(row_check, context: Context, commune: str, text: str) -> str | None:
    if not text:
        return None
    code = context.hamlet(commune, text)
    if code is None and context.create_hamlets:
        row_check.new_hamlet = context.new_hamlet(commune, text)
    elif code is None:
        row_check.errors.append("hamlet")
    return code


def check_row(line: int, row: list[str], mapping: dict, context: Context) -> imports.RowCheck:
    """Check one row; fill values, errors, and what it duplicates."""
    name = nfc(strip_invisible(imports.cell(row, mapping, "head_name") or "")) or ""
    check = imports.RowCheck(line, name)
    phone, phone_ok = imports.parse_phone(imports.cell(row, mapping, "phone"))
    commune_text = imports.cell(row, mapping, "commune")
    commune = context.commune(commune_text)
    smartphone = imports.parse_smartphone(imports.cell(row, mapping, "smartphone"))
    language = imports.parse_language(imports.cell(row, mapping, "preferred_language"))
    vnpost = imports.cell(row, mapping, "vnpost_code") or None
    problems = [
        ("no_name", not name),
        ("long_name", len(name) > NAME.max_length),
        ("phone", not phone_ok),
        ("commune", commune is None and not context.commune_shared(commune_text)),
        ("commune_shared", commune is None and context.commune_shared(commune_text)),
        ("smartphone", smartphone is None),
        ("language", language is None),
        ("vnpost", vnpost is not None and not FORMATS["vnpost_code"].matches(vnpost)),
    ]
    check.errors = [code for code, failed in problems if failed]
    hamlet = _hamlet(check, context, commune, imports.cell(row, mapping, "hamlet")) if commune else None
    if check.errors:
        return check
    check.values = {
        "head_name": name,
        "phone": phone,
        "commune_code": commune,
        "hamlet_code": hamlet,
        "smartphone": smartphone,
        "preferred_language": language,
        "vnpost_code": vnpost,
    }
    _find_duplicate(check, context)
    return check


def _find_duplicate(check: imports.RowCheck, context: Context) -> None:
    values = check.values
    record_id = imports.household_id(values["commune_code"], values["head_name"], values["phone"])
    values["id"] = record_id
    by_phone, by_name, ids = context.existing(values["commune_code"])
    name_key = (values["hamlet_code"] or check.new_hamlet, fold(values["head_name"]))
    if record_id in ids:
        check.already_imported = True
    elif record_id in context.seen_ids:
        check.duplicate_of = f"#{context.seen_ids[record_id]}"
    elif values["phone"] and values["phone"] in context.seen_phones:
        check.duplicate_of = f"#{context.seen_phones[values['phone']]}"
    elif values["phone"] and values["phone"] in by_phone:
        check.duplicate_of = by_phone[values["phone"]]
    elif values["hamlet_code"] and name_key in by_name:
        check.duplicate_of = by_name[name_key]
    context.seen_ids.setdefault(record_id, check.line)
    if values["phone"]:
        context.seen_phones.setdefault(values["phone"], check.line)


def check_rows(rows: list[list[str]], lines: list[int], mapping: dict, context: Context) -> list[imports.RowCheck]:
    """Check every row; each keeps its line number in the file."""
    return [check_row(line, row, mapping, context) for line, row in zip(lines, rows, strict=True)]


def run_import(checks: list, user, include_duplicates: bool, progress: Callable[[int, int], None]) -> int:
    """Add the importable rows in chunks (one commit each), reporting progress; returns households added.

    The supervisor has confirmed the households' programme consent: each household goes through
    the one write path with that consent, recorded in the supervisor's name (device "import").
    """
    wanted = [c for c in checks if c.importable and (include_duplicates or not c.duplicate_of)]
    added, new_hamlets = 0, {}
    for start in range(0, len(wanted), CHUNK):
        chunk = [_row_values(check, new_hamlets) for check in wanted[start : start + CHUNK]]
        known = set(db.session.scalars(sa.select(Household.id).where(Household.id.in_([v["id"] for v in chunk]))))
        mutations, seen = [], set()
        for values in chunk:
            if values["id"] not in known and values["id"] not in seen:
                seen.add(values["id"])
                mutations.extend(_registration(values))
        replies = web_changes(mutations, user, device_id=IMPORT_DEVICE)
        added += sum(1 for m, r in zip(mutations, replies, strict=True) if m["entity"] == "household" and _kept(r))
        db.session.commit()  # a background job: each chunk is kept once done, so progress is real
        progress(min(start + CHUNK, len(wanted)), len(wanted))
    return added


def _row_values(check: imports.RowCheck, new_hamlets: dict) -> dict:
    """A checked row's values, with the hamlet it asked for added to its commune (once per import)."""
    from server.places.operations import add_hamlet

    values = dict(check.values)
    if check.new_hamlet and not values["hamlet_code"]:
        key = (values["commune_code"], hamlet_key(check.new_hamlet))
        if key not in new_hamlets:
            new_hamlets[key] = add_hamlet(values["commune_code"], check.new_hamlet).code
        values["hamlet_code"] = new_hamlets[key]
    return values


def _registration(values: dict) -> list[dict]:
    """A new household and its "yes" to the programme, as two mutations of the import."""
    household_id = values.pop("id")
    consent = {"household_id": household_id, "purpose": "programme", "given": True, "recorded_at": utcnow()}
    return [
        web_mutation("household", household_id, values, device_id=IMPORT_DEVICE),
        # Derived id: the same household always gets the same consent record.
        web_mutation("consent", uuid.uuid5(household_id, "programme"), consent, device_id=IMPORT_DEVICE),
    ]


def _kept(reply: dict) -> bool:
    return reply["status"] in ("applied", "merged")
