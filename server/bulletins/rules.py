"""What holds for a bulletin whoever reads or writes it: where it reaches, its language versions, its text blocks."""

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from server.auth.scope import Scope
from server.bulletins.models import REQUIRED_LANGUAGES, Bulletin
from server.errors import ValidationError
from server.extensions import db
from server.models_base import utcnow
from server.mutations.rejections import Rejected
from server.places.models import Place

BULLET = "- "


def today() -> date:
    """The day expiry is counted against (UTC, like every stored date)."""
    return utcnow().date()


def is_live(bulletin: Bulletin, on: date | None = None) -> bool:
    """Published and not yet expired: what phones keep and the public page shows."""
    return bulletin.status == "published" and bulletin.expires_on >= (on or today())


def shown_status(bulletin: Bulletin) -> str:
    """The status a supervisor sees: a published bulletin past its expiry date reads as expired."""
    if bulletin.status == "published" and bulletin.expires_on < today():
        return "expired"
    return bulletin.status


def reaching_places(scope: Scope):
    """A SQL condition on Bulletin.place_code: bulletins whose place is a commune of the scope, above or below it."""
    if scope.everything:
        return sa.true()
    communes = sorted(scope.communes)
    provinces = sa.select(Place.parent_code).where(Place.code.in_(communes))
    hamlets = sa.select(Place.code).where(Place.parent_code.in_(communes), Place.kind == "hamlet")
    return sa.or_(
        Bulletin.place_code.in_(communes), Bulletin.place_code.in_(provinces), Bulletin.place_code.in_(hamlets)
    )


def reaches_commune(bulletin: Bulletin, commune_code: str) -> bool:
    """Whether a bulletin's place is the commune, its province or one of its hamlets."""
    place = bulletin.place
    if place is None or commune_code is None:
        return False
    if place.kind == "province":
        commune = db.session.get(Place, commune_code)
        return commune is not None and commune.parent_code == place.code
    return place.commune_code == commune_code


def text_for(bulletin: Bulletin, language: str) -> tuple[dict, str]:
    """The bulletin's title and body in a language, else in Vietnamese; and the language given."""
    texts = bulletin.texts or {}
    if (texts.get(language) or {}).get("title"):
        return texts[language], language
    return texts.get("vi") or {"title": "", "body": ""}, "vi"


def blocks(body: str) -> list[tuple[str, object]]:
    """Plain text as paragraphs and bullet lists: [("p", text) | ("ul", [item, …])]; never markup."""
    result: list[tuple[str, object]] = []
    for line in (body or "").splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(BULLET.strip()) and (stripped == "-" or stripped.startswith(BULLET)):
            item = stripped[2:].strip()
            if not item:
                continue
            if result and result[-1][0] == "ul":
                result[-1][1].append(item)
            else:
                result.append(("ul", [item]))
        else:
            result.append(("p", stripped))
    return result


def check_publishable(bulletin: Bulletin) -> None:
    """A bulletin goes out only with its Vietnamese and Khmer versions and before its expiry."""
    missing = [
        code
        for code in REQUIRED_LANGUAGES
        if not ((bulletin.texts or {}).get(code) or {}).get("title")
        or not ((bulletin.texts or {}).get(code) or {}).get("body")
    ]
    errors = {}
    if "vi" in missing:
        errors["title_vi"] = _("Write the title and the text in Vietnamese before publishing.")
    if "km" in missing:
        errors["title_km"] = _("Write the title and the text in Khmer before publishing.")
    if bulletin.expires_on < today():
        errors["expires_on"] = _("This bulletin has expired: choose a later expiry date first.")
    if errors:
        raise ValidationError(" ".join(errors.values()), errors=errors)


def check_told(batch, record, values: dict, record_id) -> None:
    """A bulletin is told at a session only if it is published and reaches the session's commune."""
    bulletin_id = values.get("bulletin_id", getattr(record, "bulletin_id", None))
    bulletin = db.session.get(Bulletin, bulletin_id) if bulletin_id is not None else None
    if bulletin is None or bulletin.status == "draft":
        raise Rejected("unknown_record", {"bulletin_id": ["unknown"]})
    session = batch.session(values.get("session_id", getattr(record, "session_id", None)))
    if session is None or not reaches_commune(bulletin, session.commune_code):
        raise Rejected("out_of_scope", {"bulletin_id": ["not for this commune"]})
