"""Reference data a phone needs offline: places in scope and the translated code lists."""

import hashlib
from datetime import date
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from server.auth.scope import Scope
from server.extensions import db
from server.field_rules import describe_rules
from server.places.models import Place
from server.places.operations import place_dump
from server.reports.indicators import commune_progress
from server.vocab import CONSENT_NAMES, PLATFORM_NAMES, PROVIDER_NAMES, TOPIC_NAMES


def reference_data(scope: Scope) -> dict:
    """Places in scope, vocabularies, scope, translations version and this year's progress of the user's communes."""
    return {
        "places": [place_dump(place) for place in places_in_scope(scope)],
        "topics": _code_names(TOPIC_NAMES),
        "platforms": _code_names(PLATFORM_NAMES),
        "payment_providers": _code_names(PROVIDER_NAMES),
        "consent_purposes": _code_names(CONSENT_NAMES),
        "scope": {"everything": scope.everything, "communes": sorted(scope.communes)},
        "rules": describe_rules(),
        "translations_version": translations_version(current_app.config["BABEL_TRANSLATION_DIRECTORIES"]),
        # The user's own communes only: for admins (everything) it would be every commune of the country.
        "progress": commune_progress(sorted(scope.communes), date.today().year),
    }


def places_in_scope(scope: Scope) -> list[Place]:
    """The communes in scope with their hamlets and provinces (everything for admins)."""
    query = sa.select(Place).where(Place.deleted_at.is_(None))
    if not scope.everything:
        communes = sorted(scope.communes)
        provinces = sa.select(Place.province_code).where(Place.code.in_(communes))
        query = query.where(
            sa.or_(Place.code.in_(communes), Place.parent_code.in_(communes), Place.code.in_(provinces))
        )
    order = sa.case({"province": 0, "commune": 1, "hamlet": 2}, value=Place.kind)
    return list(db.session.scalars(query.order_by(order, Place.code)))


def _code_names(names: dict) -> list[dict]:
    return [{"code": code, "name": str(name)} for code, name in names.items()]


@lru_cache(maxsize=4)
def translations_version(directories: str) -> str:
    """A short hash of the translation catalogues: the phone reloads its strings when it changes."""
    digest = hashlib.sha256()
    for directory in directories.split(";"):
        for path in sorted(Path(directory).glob("*/LC_MESSAGES/messages.po")):
            digest.update(path.parent.parent.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
