"""A household's rules, whoever writes it: consent, place, and the columns derived from its fields."""

from server import clock as hlc
from server.mutations.rejections import Rejected
from server.text import fold

# Sensitive fields and the consent each needs (Law 91/2025: per purpose, explicit, withdrawable).
CONSENTED_FIELDS = {
    "ethnicity": ("ethnicity",),
    "location": ("latitude", "longitude", "plus_code"),
}


def check_household(batch, record, values: dict, record_id) -> None:
    """Programme consent for a new household, and consent for its sensitive fields."""
    household_id = record.id if record is not None else record_id
    if record is None:
        given = batch.consent(household_id, "programme")
        if given is None:
            raise Rejected("consent_missing", {"consent": ["programme"]})
        if not given:
            raise Rejected("consent_refused", {"consent": ["programme"]})
    for purpose, names in CONSENTED_FIELDS.items():
        sent = [name for name in names if values.get(name) is not None]
        if sent and not batch.consent(household_id, purpose):
            # Values kept only with consent are not kept in the log of their refusal either.
            raise Rejected("consent_needed", {name: [purpose] for name in sent}, withheld=tuple(sent))


def complete_household(batch, record, values: dict, changed: list, clock) -> None:
    """The derived columns after a merge (see derive_household)."""
    derive_household(record, batch.place(record.hamlet_code), changed, values.get("smartphone"), clock)


def derive_household(record, hamlet, changed, smartphone: str | None, clock: str) -> None:
    """Search text after a name, phone or hamlet change; the first day a smartphone was recorded.

    `changed` names the fields this write changed, `smartphone` is the value it sent, if any.
    """
    if {"head_name", "phone", "hamlet_code"} & set(changed):
        parts = (record.head_name, record.phone, hamlet.name if hamlet else None)
        record.search_text = fold(" ".join(p for p in parts if p))
    if smartphone == "yes":
        # The earliest clock saying "yes", whatever the arrival order.
        day = hlc.day(clock)
        if record.smartphone_since is None or day < record.smartphone_since:
            record.smartphone_since = day


def complete_consent(batch, record, values: dict, changed: list, clock) -> None:
    """Who recorded the answer; a withdrawn consent clears what it allowed to keep, log included."""
    if (record.field_clocks or {}).get("given") != clock:
        return
    record.recorded_by_id = batch.user.id
    names = CONSENTED_FIELDS.get(record.purpose)
    if names and not record.given:
        household = batch.household_record(record.household_id)
        if household is not None:
            clear_withdrawn(household, names, clock)
        batch.logs.forget(record.household_id, names)


def clear_withdrawn(household, names: tuple[str, ...], clock: str) -> None:
    """Clear the fields a withdrawn consent allowed, even a value written later by a phone that had not seen it.

    Merging None at the withdrawal's clock would lose against such a value and keep it without consent.
    """
    clocks = dict(household.field_clocks or {})
    for name in names:
        if getattr(household, name) is not None:
            setattr(household, name, None)
        clocks[name] = max(clocks.get(name) or clock, clock)
    household.field_clocks = clocks
