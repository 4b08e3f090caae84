"""Concurrent edits of one field, read from the mutation log for the supervisors' page."""

import uuid

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from server import clock as hlc
from server.auth.models import User
from server.auth.scope import Scope
from server.extensions import db
from server.households.models import Household
from server.mutations.kinds import ENTITIES
from server.mutations.models import Mutation
from server.sync.pull import scope_commune_column

MAX_ROWS = 300
ENTITY_LABELS = {
    "household": _l("Household"),
    "consent": _l("Consent"),
    "marketplace_account": _l("Seller account"),
    "payment_account": _l("E-payment account"),
    "training_session": _l("Training session"),
    "attendance": _l("Attendance"),
}
FIELD_LABELS = {
    "head_name": _l("Head of household"),
    "phone": _l("Phone"),
    "commune_code": _l("Commune"),
    "hamlet_code": _l("Hamlet"),
    "preferred_language": _l("Preferred language"),
    "smartphone": _l("Smartphone"),
    "ethnicity": _l("Ethnicity"),
    "latitude": _l("Latitude"),
    "longitude": _l("Longitude"),
    "plus_code": _l("Plus Code"),
    "vnpost_code": _l("VNPost digital address"),
    "given": _l("Consent given"),
    "recorded_at": _l("Recorded at"),
    "shop_name": _l("Shop name"),
    "status": _l("Status"),
    "products_listed": _l("Products listed"),
    "orders_reported": _l("Orders reported"),
    "checked_on": _l("Last checked"),
    "held_on": _l("Date"),
    "topics": _l("Topics"),
    "title": _l("Title"),
    "attendee_name": _l("Attendee name"),
    "method": _l("Check-in method"),
    "deleted": _l("Deleted"),
}


def concurrent_edits(scope: Scope) -> list[dict]:
    """The newest conflicting writes in scope, one row per field, with both values and the winner."""
    query = (
        sa.select(Mutation, User.display_name)
        .outerjoin(User, User.id == Mutation.user_id)
        .where(Mutation.conflicts.is_not(None))
        .order_by(Mutation.received_at.desc(), Mutation.id.desc())
        .limit(MAX_ROWS)
    )
    found = db.session.execute(query).all()
    allowed = _in_scope(scope, [m for m, _name in found])
    names = _household_names([m for m, _name in found if (m.entity, m.record_id) in allowed])
    rows = []
    for mutation, user_name in found:
        if (mutation.entity, mutation.record_id) not in allowed:
            continue
        for field, other in sorted(mutation.conflicts.items()):
            this_value = True if field == "deleted" and mutation.op == "delete" else mutation.fields.get(field)
            rows.append(
                {
                    "mutation": mutation,
                    "user_name": user_name,
                    "label": names.get((mutation.entity, mutation.record_id)),
                    "field": field,
                    "this_value": this_value,
                    "this_time": hlc.instant(mutation.client_clock),
                    "other_value": other.get("value"),
                    "other_time": hlc.instant(other.get("clock")),
                    "this_won": hlc.compare(mutation.client_clock or "", other.get("clock") or "") > 0,
                }
            )
    return rows


def _in_scope(scope: Scope, mutations: list[Mutation]) -> set[tuple[str, uuid.UUID]]:
    """(entity, record id) pairs whose record lies in scope now, one query per kind of record."""
    wanted: dict[str, set] = {}
    for mutation in mutations:
        wanted.setdefault(mutation.entity, set()).add(mutation.record_id)
    allowed = set()
    for name, ids in wanted.items():
        entity = ENTITIES[name]
        table = entity.model.__table__
        query, commune = scope_commune_column(entity, sa.select(table.c.id))
        query = query.where(table.c.id.in_(ids), scope.commune_filter(commune))
        allowed.update((name, record_id) for record_id in db.session.scalars(query))
    return allowed


def _household_names(mutations: list[Mutation]) -> dict:
    """The household name to show next to each record (households, consents and accounts)."""
    names = {}
    for name in ("household", "consent", "marketplace_account", "payment_account"):
        ids = {m.record_id for m in mutations if m.entity == name}
        if not ids:
            continue
        model = ENTITIES[name].model
        query = sa.select(model.id, Household.head_name)
        if model is not Household:
            query = query.join(Household, Household.id == model.household_id)
        for record_id, head_name in db.session.execute(query.where(model.id.in_(ids))):
            names[(name, record_id)] = head_name
    return names
