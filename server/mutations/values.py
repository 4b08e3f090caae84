"""A mutation's fields read by its kind's one schema, quickly (server/mutations/fastload.py)."""

from marshmallow import ValidationError as SchemaError

from server.mutations.entity import Entity
from server.mutations.fastload import compile_loader
from server.mutations.kinds import ENTITIES
from server.mutations.rejections import Rejected

_SCHEMAS = {name: entity.schema() for name, entity in ENTITIES.items()}
# Each kind's schema read quickly (same result and errors as _SCHEMAS[name].load(..., partial=True)).
_LOADERS = {name: compile_loader(schema, partial=True) for name, schema in _SCHEMAS.items()}


def load_values(entity: Entity, m: dict) -> dict:
    """The mutation's fields read by the kind's one schema (a delete carries only its natural key)."""
    # A delete may name its record by natural key (attendance by session and household: the
    # phone does not keep the server's id of those).
    changed = {f: m["changed"][f] for f in entity.key if f in m["changed"]} if m["op"] == "delete" else m["changed"]
    try:
        return _LOADERS[entity.name](changed)
    except SchemaError as error:
        raise Rejected("invalid", error.normalized_messages()) from error
