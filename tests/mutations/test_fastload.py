"""The push's quick reader of mutations and fields gives what the marshmallow schemas of record give."""

import uuid
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError, validate

from server.mutations.fastload import compile_loader
from server.mutations.values import _LOADERS, _SCHEMAS
from server.sync.operations import _MUTATION, _load_mutation

ODD = [
    None,
    "",
    " ",
    "Lan",
    "  Thạch  Kim ",
    "Nguye\u0302\u0303n\u200b Văn",  # decomposed accents and a zero-width space
    "x" * 300,
    "0901234567",
    "+84 90 123 4567",
    "29461",
    "2026-03-01",
    "2026-13-01",
    "2026-03-01T08:00:00Z",
    "2026-03-01T08:00:00",
    "1760000000000-0000-dev-a",
    "1760000000000-0000-",
    "upsert",
    "delete",
    "household",
    "true",
    "yes",
    "1",
    "1.5",
    str(uuid.UUID(int=7)),
    uuid.UUID(int=8).hex,
    "not-a-uuid",
    0,
    1,
    -1,
    10_000_001,
    2**63,
    1.5,
    91.0,
    -45.25,
    float("nan"),
    float("inf"),
    True,
    False,
    [],
    ["e_payment"],
    ["e_payment", "e_payment", "livestream"],
    [1],
    {},
    {"head_name": "Lan"},
    {1: "a"},
]


def choices(field) -> list:
    """The values a field's own validators name (OneOf choices, Range bounds and their neighbours)."""
    found = []
    inner = getattr(field, "inner", None)
    for validator in [*field.validators, *(inner.validators if inner is not None else [])]:
        if isinstance(validator, validate.OneOf):
            found += list(validator.choices)
            if inner is not None:
                found.append(list(validator.choices)[:2])
        if isinstance(validator, validate.Range):
            for bound in (validator.min, validator.max):
                if bound is not None:
                    found += [bound, bound - 1, bound + 1]
    return found


def field_sets(schema):
    names = list(schema.load_fields)
    keys = [schema.load_fields[n].data_key or n for n in names] + ["unknown_field"]
    values = {k: st.sampled_from(ODD + choices(schema.load_fields.get(k) or schema.fields[names[0]])) for k in keys}
    for name in names:
        field = schema.load_fields[name]
        values[field.data_key or name] = st.sampled_from(ODD + choices(field))
    return st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)).flatmap(
        lambda chosen: st.fixed_dictionaries({k: values[k] for k in chosen})
    )


def outcome(load, data):
    try:
        return "ok", load(data)
    except ValidationError as error:
        return "refused", error.normalized_messages()


def same(schema, quick, data, partial):
    assert outcome(quick, dict(data)) == outcome(lambda d: schema.load(d, partial=partial), dict(data)), data


@pytest.mark.parametrize("kind", sorted(_SCHEMAS))
def test_fields_read_alike(app, kind):
    schema, quick = _SCHEMAS[kind], _LOADERS[kind]

    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
    @given(field_sets(schema))
    def check(data):
        same(schema, quick, data, True)

    with app.test_request_context():
        check()


def test_mutations_read_alike(app):
    valid = {
        "mutation_id": str(uuid.UUID(int=1)),
        "entity": "household",
        "record_id": str(uuid.UUID(int=2)),
        "op": "upsert",
        "clock": "1760000000000-0000-dev-a",
        "fields": {"head_name": "Lan"},
    }
    strategy = field_sets(_MUTATION).map(lambda extra: {**valid, **extra}) | field_sets(_MUTATION)

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def check(data):
        same(_MUTATION, _load_mutation, data, False)

    with app.test_request_context():
        check()
        assert _load_mutation(valid)["base_version"] is None and _load_mutation(valid)["changed"] == {
            "head_name": "Lan"
        }


def test_names_and_text_are_cleaned_as_the_schema_does(app):
    with app.test_request_context():
        read = _LOADERS["household"]({"head_name": "Nguye\u0302\u0303n\u200b Văn", "phone": "+84 90 123 4567"})
    assert read["head_name"] == "Nguyễn Văn"
    assert read == _SCHEMAS["household"].load(
        {"head_name": "Nguye\u0302\u0303n\u200b Văn", "phone": "+84 90 123 4567"}, partial=True
    )


def test_valid_fields_are_read_without_marshmallow_load(app):
    """The quick path really reads the common case itself: schema.load is only the fallback."""
    schema = type(_SCHEMAS["attendance"])()
    quick = compile_loader(schema, partial=True)
    data = {"session_id": str(uuid.UUID(int=3)), "household_id": str(uuid.UUID(int=4)), "method": "qr"}
    with app.test_request_context(), mock.patch.object(schema, "load", side_effect=AssertionError("slow path")):
        assert quick(data) == {"session_id": uuid.UUID(int=3), "household_id": uuid.UUID(int=4), "method": "qr"}
        with pytest.raises(AssertionError, match="slow path"):
            quick({**data, "method": "telepathy"})  # refused values get marshmallow's own answer
