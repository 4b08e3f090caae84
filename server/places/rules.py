"""Where a record is: a commune, and optionally one of that commune's hamlets, as one value."""

from server.mutations.rejections import Rejected


def check_commune_and_hamlet(batch, record, values: dict) -> None:
    """Make commune and hamlet travel together, and check the hamlet belongs to the commune.

    A hamlet edit carries its commune (the hamlet's own), a move carries its hamlet or none, so
    that merging them as one value gives the same place whatever order edits arrive in.
    """
    if "commune_code" not in values and "hamlet_code" not in values:
        return
    current = getattr(record, "commune_code", None)
    if "commune_code" not in values:
        hamlet = batch.place(values["hamlet_code"]) if values["hamlet_code"] else None
        if values["hamlet_code"] and (hamlet is None or hamlet.kind != "hamlet"):
            raise Rejected("unknown_place", {"hamlet_code": ["unknown"]})
        values["commune_code"] = hamlet.parent_code if hamlet is not None else current
    elif "hamlet_code" not in values:
        if values["commune_code"] == current:
            del values["commune_code"]  # nothing moves: the stored hamlet stays as it is
            return
        values["hamlet_code"] = None  # a hamlet of the old commune does not follow the move
    commune = batch.place(values["commune_code"])
    if commune is None or commune.kind != "commune":
        raise Rejected("unknown_place", {"commune_code": ["unknown"]})
    if values["hamlet_code"] is not None:
        hamlet = batch.place(values["hamlet_code"])
        if hamlet is None or hamlet.kind != "hamlet" or hamlet.parent_code != commune.code:
            raise Rejected("unknown_place", {"hamlet_code": ["not in commune"]})
