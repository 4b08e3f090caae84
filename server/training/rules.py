"""A training session's rules, whoever writes it (its place is checked by server.places.rules)."""


def complete_session(batch, record, values: dict, changed: list, clock) -> None:
    """A new session is the writer's."""
    if record.trainer_id is None:
        record.trainer_id = batch.user.id
