"""A training session's rules, whoever writes it: its place, and who ran it."""

from server.places.rules import check_commune_and_hamlet


def check_session(batch, record, values: dict, record_id) -> None:
    """The hamlet must be one of the session's commune."""
    check_commune_and_hamlet(batch, record, values)


def complete_session(batch, record, values: dict, changed: list, clock) -> None:
    """A new session is the writer's."""
    if record.trainer_id is None:
        record.trainer_id = batch.user.id
