"""Bulletin pages: the supervisors' list, form, figures and poster; the public page behind the poster's QR code."""

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.auth.decorators import role_required
from server.auth.scope import Scope, scope_for
from server.bulletins import operations, poster, rules
from server.bulletins.models import CATEGORIES, KINDS, PRICE_UNITS, Bulletin
from server.bulletins.schemas import BulletinFormSchema, form_values_of
from server.errors import AppError, NotFound
from server.extensions import db
from server.forms import form_values, load_form
from server.i18n import locale_code
from server.places.models import Place
from server.public.codes import base_url, public_code, public_domain, record_id
from server.vocab import BULLETIN_CATEGORY_NAMES, BULLETIN_KIND_NAMES, KIND_NAMES, PRICE_UNIT_NAMES

bp = Blueprint("bulletins", __name__)
STAFF = ("admin", "supervisor")
PAGE = 50


def public_url(bulletin: Bulletin) -> str:
    """The public page a bulletin's poster points to."""
    return f"{base_url()}/n/{public_code(bulletin.id)}"


def _in_scope(bulletin_id, scope: Scope) -> Bulletin:
    bulletin = db.session.get(Bulletin, bulletin_id)
    if bulletin is None or not scope.covers_place(bulletin.place):
        raise NotFound()
    return bulletin


def _visible(scope: Scope):
    """Bulletins whose place the supervisor covers (a province only if it is theirs as a whole)."""
    if scope.everything:
        return sa.true()
    communes = sorted(scope.communes)
    hamlets = sa.select(Place.code).where(Place.parent_code.in_(communes), Place.kind == "hamlet")
    return sa.or_(
        Bulletin.place_code.in_(sorted(scope.roots)),
        Bulletin.place_code.in_(communes),
        Bulletin.place_code.in_(hamlets),
    )


def _place_options(scope: Scope) -> list[tuple[str, str]]:
    """Provinces, communes and hamlets the supervisor may write for, each under its parent."""
    query = sa.select(Place).where(Place.deleted_at.is_(None))
    if scope.everything:
        query = query.where(Place.kind.in_(("province", "commune")))
    else:
        communes = sorted(scope.communes)
        query = query.where(
            sa.or_(
                sa.and_(Place.kind == "province", Place.code.in_(sorted(scope.roots))),
                Place.code.in_(communes),
                sa.and_(Place.kind == "hamlet", Place.parent_code.in_(communes)),
            )
        )
    places = db.session.scalars(query).all()
    by_parent: dict[str | None, list[Place]] = {}
    codes = {p.code for p in places}
    for place in places:
        parent = place.parent_code if place.parent_code in codes else None
        by_parent.setdefault(parent, []).append(place)
    options = [("", _("Choose…"))]

    def add(parent, depth):
        for place in sorted(by_parent.get(parent, []), key=lambda p: p.name):
            options.append((place.code, "\u2003" * depth + f"{place.name} · {KIND_NAMES[place.kind]}"))
            add(place.code, depth + 1)

    add(None, 0)
    return options


def _choices(names: dict, codes, blank: str | None) -> list[tuple[str, str]]:
    options = [("", blank)] if blank is not None else []
    return options + [(code, str(names[code])) for code in codes]


def _form_page(bulletin, values: dict, errors: dict, status: int = 200):
    scope = scope_for(current_user)
    figures = operations.reach([bulletin.id])[bulletin.id] if bulletin is not None else None
    return (
        render_template(
            "bulletins/bulletin.html",
            bulletin=bulletin,
            values=values,
            errors=errors,
            figures=figures,
            places=_place_options(scope),
            kinds=_choices(BULLETIN_KIND_NAMES, KINDS, _("Choose…")),
            categories=_choices(BULLETIN_CATEGORY_NAMES, CATEGORIES, "—"),
            units=_choices(PRICE_UNIT_NAMES, PRICE_UNITS, "—"),
            public_url=public_url(bulletin) if bulletin is not None else None,
            status=rules.shown_status(bulletin) if bulletin is not None else None,
            preview=_preview(bulletin) if bulletin is not None else [],
        ),
        status,
    )


def _preview(bulletin: Bulletin) -> list[dict]:
    result = []
    for language, text in (bulletin.texts or {}).items():
        result.append({"language": language, "title": text["title"], "blocks": rules.blocks(text["body"])})
    return result


@bp.get("/bulletins")
@login_required
@role_required(*STAFF)
def bulletins():
    """Bulletins for places in scope, newest first, with how far each has gone."""
    scope = scope_for(current_user)
    query = sa.select(Bulletin).where(_visible(scope))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page = max(request.args.get("page", 1, type=int), 1)
    rows = db.session.scalars(
        query.order_by(Bulletin.created_at.desc(), Bulletin.id).limit(PAGE).offset((page - 1) * PAGE)
    ).all()
    figures = operations.reach([b.id for b in rows])
    language = locale_code()
    return render_template(
        "bulletins/bulletins.html",
        rows=[(b, rules.text_for(b, language)[0], figures[b.id], rules.shown_status(b)) for b in rows],
        total=total,
        page=page,
        pages=(total + PAGE - 1) // PAGE,
    )


@bp.route("/bulletins/new", methods=["GET", "POST"])
@login_required
@role_required(*STAFF)
def new_bulletin():
    """Write a new bulletin; it is kept as a draft until published."""
    if request.method == "GET":
        return _form_page(None, {}, {})
    values, errors = load_form(BulletinFormSchema(), form_values())
    if not errors:
        try:
            bulletin = operations.create_bulletin(values, current_user, scope_for(current_user))
        except AppError as error:
            db.session.rollback()
            errors = error.errors or {}
            flash(error.detail, "error")
        else:
            flash(_("Draft saved. Publish it when it is ready."), "success")
            return redirect(url_for("bulletins.bulletin", bulletin_id=bulletin.id))
    return _form_page(None, form_values(), errors, 422)


@bp.route("/bulletins/<uuid:bulletin_id>", methods=["GET", "POST"])
@login_required
@role_required(*STAFF)
def bulletin(bulletin_id):
    """One bulletin: its texts, its reach, the poster, and the form while it is a draft."""
    scope = scope_for(current_user)
    found = _in_scope(bulletin_id, scope)
    if request.method == "GET":
        return _form_page(found, form_values_of(found), {})
    values, errors = load_form(BulletinFormSchema(), form_values())
    if not errors:
        try:
            changed = operations.update_bulletin(found, values, scope)
        except AppError as error:
            db.session.rollback()
            errors = error.errors or {}
            flash(error.detail, "error")
        else:
            flash(_("Changes saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("bulletins.bulletin", bulletin_id=found.id))
    return _form_page(found, form_values(), errors, 422)


@bp.post("/bulletins/<uuid:bulletin_id>/<any(publish, withdraw):action>")
@login_required
@role_required(*STAFF)
def change_status(bulletin_id, action):
    """Publish a draft, or withdraw a published bulletin."""
    found = _in_scope(bulletin_id, scope_for(current_user))
    try:
        (operations.publish if action == "publish" else operations.withdraw)(found)
    except AppError as error:
        db.session.rollback()
        flash(error.detail, "error")
        return _form_page(found, form_values_of(found), error.errors or {}, 422)
    flash(
        _("Published: phones of its communes get it with their next sync.")
        if action == "publish"
        else _("Withdrawn: phones drop it with their next sync."),
        "success",
    )
    return redirect(url_for("bulletins.bulletin", bulletin_id=found.id))


@bp.get("/bulletins/<uuid:bulletin_id>/poster.pdf")
@login_required
@role_required(*STAFF)
def poster_pdf(bulletin_id):
    """The A4 poster for the commune office's notice board."""
    found = _in_scope(bulletin_id, scope_for(current_user))
    response = Response(poster.pdf(found, public_url(found)), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="bulletin-{public_code(found.id)}.pdf"'
    return response


@bp.get("/n/<code>")
def public_page(code):
    """A published bulletin for anyone with its link: no sign-in, no JavaScript."""
    bulletin_id = record_id(code)
    found = db.session.get(Bulletin, bulletin_id) if bulletin_id is not None else None
    if found is None or found.status == "draft":
        return render_template(
            "public/message.html",
            domain=public_domain(),
            title=_("We do not know this bulletin"),
            detail=_("No bulletin of %(domain)s has this code.", domain=public_domain()),
        ), 404
    if not rules.is_live(found):
        return render_template(
            "public/message.html",
            domain=public_domain(),
            title=_("This bulletin is no longer valid"),
            detail=_("It was withdrawn or has expired. Ask your commune office for the latest news."),
        ), 410
    text, shown_in = rules.text_for(found, locale_code())
    return render_template(
        "bulletins/public.html",
        domain=public_domain(),
        bulletin=found,
        title=text["title"],
        blocks=rules.blocks(text["body"]),
        fallback=shown_in != locale_code(),
    )
