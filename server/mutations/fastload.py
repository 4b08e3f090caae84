"""A quick reader of pushed data, compiled from a marshmallow schema, which stays the schema of record.

A push reads thousands of field sets, and marshmallow's load machinery (error store, hooks,
partial and unknown handling, per field) costs more than writing them. `compile_loader(schema)`
returns a function that reads the common case with the schema's own fields, validators and
load hooks, and hands anything else to `schema.load`: a value of another type than the plain
JSON one, a value a validator refuses, an unknown or missing field. So a refused field set
always gets marshmallow's own error messages, and an accepted one the same values.
tests/mutations/test_fastload.py feeds valid and invalid field sets through both and checks
that they agree.

Schemas with what this reader does not follow (schema or field validators written as
methods, nested schemas, method fields, other `unknown` settings) are loaded by marshmallow.
"""

import math
import uuid
from collections.abc import Callable

from marshmallow import RAISE, Schema, fields, missing
from marshmallow import ValidationError as SchemaError
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA


class _Unusual(Exception):
    """The quick reader does not decide this value: marshmallow does."""


_COMPLEX = (fields.Nested, fields.Method, fields.Function, fields.Pluck, fields.Constant)


def compile_loader(schema: Schema, partial: bool = False) -> Callable[[dict], dict]:
    """A function loading a dict as `schema.load(data, partial=partial)` does (same result, same errors)."""

    def slow(data):
        return schema.load(data, partial=partial)

    hooks = schema._hooks
    if hooks[VALIDATES] or hooks[VALIDATES_SCHEMA] or schema.unknown != RAISE or schema.many:
        return slow
    readers: dict[str, tuple[str, Callable]] = {}
    required, defaults = [], []
    for name, field in schema.load_fields.items():
        if isinstance(field, _COMPLEX) or getattr(field, "pre_load", None) or getattr(field, "post_load", None):
            return slow
        key = field.data_key or name
        readers[key] = (field.attribute or name, _reader(field))
        if not partial:
            if field.required:
                required.append(key)
            elif field.load_default is not missing:
                defaults.append((key, field.attribute or name, field.load_default))
    known = frozenset(readers)
    pre, post = _processors(schema, PRE_LOAD), _processors(schema, POST_LOAD)
    if pre is None or post is None:
        return slow
    unknown = schema.unknown
    # Per set of given names (in their order): the readers to run in the schema's order, and the
    # defaults to fill in. A push sends a few such sets thousands of times.
    plans: dict[tuple, tuple] = {}

    def _plan(names: tuple) -> tuple:
        given = frozenset(names)
        if not given <= known or any(key not in given for key in required):
            raise _Unusual  # an unknown or a missing field: marshmallow's error
        reads = tuple((key, attr, read) for key, (attr, read) in readers.items() if key in given)
        filled = tuple((attr, default) for key, attr, default in defaults if key not in given)
        if len(plans) < 256:
            plans[names] = (reads, filled)
        return reads, filled

    def load(data):
        if type(data) is not dict:
            return slow(data)
        try:
            given = data
            for processor in pre:
                given = processor(given, many=False, partial=partial, unknown=unknown)
            if type(given) is not dict:
                raise _Unusual
            names = tuple(given)
            plan = plans.get(names)
            if plan is None:
                plan = _plan(names)
            reads, filled = plan
            result = {attr: read(given[key]) for key, attr, read in reads}
            for attr, default in filled:
                result[attr] = default() if callable(default) else default
            for processor in post:
                result = processor(result, many=False, partial=partial, unknown=unknown)
            return result
        except (_Unusual, SchemaError, ValueError, TypeError, OverflowError, AttributeError):
            return slow(data)

    return load


def _processors(schema: Schema, tag: str) -> list[Callable] | None:
    """The schema's load hooks of one kind, bound, in marshmallow's order; None if one is out of the common case."""
    hooks = schema._hooks[tag]
    if any(many or kwargs.get("pass_original") for _name, many, kwargs in hooks):
        return None  # collection hooks or hooks given the original data: marshmallow runs them
    return [getattr(schema, name) for name, _many, _kwargs in hooks]


def _reader(field: fields.Field) -> Callable:
    """Read one value as the field does, or raise for marshmallow to decide."""
    validators = tuple(field.validators)
    allow_none = field.allow_none
    kind = type(field)
    if kind is fields.String:
        convert = _string
    elif kind is fields.UUID:
        convert = _uuid
    elif kind is fields.Integer:
        convert = _integer
    elif kind is fields.Boolean and field.truthy == fields.Boolean.truthy and field.falsy == fields.Boolean.falsy:
        convert = _boolean  # custom truthy/falsy sets are marshmallow's to read
    elif kind is fields.Float and not field.allow_nan:
        convert = _float
    elif kind is fields.Dict and field.value_field is None and type(field.key_field) is fields.String:
        if field.key_field.validators or field.validators:
            return _generic(field)
        convert = _string_keyed_dict
    else:
        return _generic(field)

    if not validators and not allow_none:
        return convert  # every converter refuses None, as such a field does

    def read(value):
        if value is None:
            if allow_none:
                return None
            raise _Unusual
        value = convert(value)
        for validator in validators:
            if validator(value) is False:
                raise _Unusual
        return value

    return read


def _generic(field: fields.Field) -> Callable:
    """Any other field: its own deserialize (with its validators); None as the schema reads it."""

    def read(value):
        if value is None and not field.allow_none:
            raise _Unusual
        return field.deserialize(value)

    return read


def _string(value):
    if type(value) is not str:
        raise _Unusual
    return value


def _uuid(value):
    if type(value) is not str:
        raise _Unusual
    return uuid.UUID(value)


def _integer(value):
    if type(value) is not int:
        raise _Unusual  # bools, floats and numeric strings are marshmallow's to judge
    return value


def _boolean(value):
    if type(value) is not bool:
        raise _Unusual
    return value


def _float(value):
    if type(value) is not int and type(value) is not float:
        raise _Unusual
    number = float(value)
    if not math.isfinite(number):
        raise _Unusual
    return number


def _string_keyed_dict(value):
    if type(value) is not dict or not all(type(key) is str for key in value):
        raise _Unusual
    return dict(value)
