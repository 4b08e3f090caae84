"""The depth limit on JSON bodies, read from the text: brackets in strings do not count."""

import json

import pytest

from server.jsonbody import MAX_DEPTH, too_deep


def nested(depth: int, inner=0):
    value = inner
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32-le"])
@pytest.mark.parametrize(("depth", "refused"), [(1, False), (MAX_DEPTH, False), (MAX_DEPTH + 1, True), (200, True)])
def test_nesting_beyond_the_limit_is_refused_in_every_encoding(encoding, depth, refused):
    value = {"mutations": [nested(depth - 2), {"fields": {}}]} if depth > 1 else {}
    raw = json.dumps(value, ensure_ascii=False).encode(encoding)
    assert too_deep(raw, json.loads(raw)) is refused


@pytest.mark.parametrize(
    "text",
    [
        '"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["',  # brackets inside a string
        '"\\\\"',  # an escaped backslash just before the closing quote
        '"say \\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\" loud"',  # escaped quotes around brackets
        '"ស្រុក {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{ \\u005b"',  # Khmer, an escape, braces
    ],
)
def test_brackets_within_strings_do_not_count(text):
    body = f'{{"mutations": [{{"fields": {{"head_name": {text}, "other": {text}}}}}]}}'.encode()
    value = json.loads(body)
    assert too_deep(body, value) is False
    deeper = json.dumps({"mutations": [nested(MAX_DEPTH, json.loads(text))]}, ensure_ascii=False).encode()
    assert too_deep(deeper, json.loads(deeper)) is True
