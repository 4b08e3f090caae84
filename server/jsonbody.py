"""JSON bodies of the API, both ways: too large is 413, not JSON is 400, both problem documents.

Two kinds of valid-looking JSON are refused too, with 400: nesting deeper than MAX_DEPTH (no body
of this API nests more than a few levels; Python's parser would give up with a RecursionError
long before 100,000), and text holding a lone UTF-16 surrogate (`"\\udcff"`: JSON's grammar
allows the escape, but no database can store it). A view that wants to refuse such text item by
item (the push, one mutation at a time) names the members it checks itself in `own_text`.

A body may come gzip-compressed (`Content-Encoding: gzip`, as the phone sends its pushes); its
limit is on the inflated size, which is never inflated past it, so a small bomb is only a 413.
Replies are gzip-compressed for clients that accept it (`json_reply`).
"""

import gzip
import json
import re
import zlib

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l

from server.errors import AppError, ValidationError


class BodyTooLarge(AppError):
    status = 413
    code = "too_large"
    title = _l("What was sent is too large.")


class MalformedJson(AppError):
    status = 400
    code = "malformed_json"
    title = _l("What was sent is not valid JSON.")


class InvalidText(AppError):
    status = 400
    code = "invalid_text"
    title = _l("Some text holds characters that cannot be stored.")


class NotJson(AppError):
    status = 415
    code = "not_json"
    title = _l("Please send JSON (Content-Type: application/json).")


class UnknownEncoding(AppError):
    status = 415
    code = "unsupported_encoding"
    title = _l("Please send the body uncompressed or gzip-compressed.")


GZIP_MIN_BYTES = 1024


MAX_DEPTH = 32
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # the parser joins pairs: what is left stands alone


_NOT_QUOTES_OR_BRACKETS = bytes(c for c in range(256) if c not in b'"[]{}')
_EMPTY_PAIR = re.compile(rb"\[\]|\{\}")


def too_deep(raw: bytes, value) -> bool:
    """Whether JSON text that parsed to `value` nests arrays and objects deeper than MAX_DEPTH.

    Read from the UTF-8 text, outside its strings, where a pass that takes out every empty pair
    of brackets lowers the depth by one: a few passes over a few bytes, instead of a walk over
    every value of a 500-mutation push. Other encodings (JSON text in UTF-16 or 32 holds NULs)
    are walked.
    """
    if b"\x00" in raw:
        return _walked_too_deep(value)
    # Escaped backslashes, then escaped quotes, go first: every other piece between two quotes
    # is then the inside of a string (no byte of a UTF-8 sequence is a quote or a backslash).
    quotes_and_brackets = raw.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_QUOTES_OR_BRACKETS)
    brackets = b"".join(quotes_and_brackets.split(b'"')[::2])
    for _ in range(MAX_DEPTH):
        brackets = _EMPTY_PAIR.sub(b"", brackets)
        if not brackets:
            return False
    return True


def _walked_too_deep(value) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def invalid_text_path(value) -> str | None:
    """Where the first string (or object key) holding a lone surrogate is, as `a.b.0`, or None."""
    stack = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                return path
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{path}.{_printable(key)}" if path else _printable(key)
                if _LONE_SURROGATE.search(key):
                    return name
                stack.append((child, name))
        elif isinstance(item, list):
            stack.extend((child, f"{path}.{n}" if path else str(n)) for n, child in enumerate(item))
    return None


# A body can hold a lone surrogate only through a \uD800-\uDFFF escape, or the bytes of one
# (json.loads reads UTF-8 with "surrogatepass"), or in UTF-16/32 (a JSON object there has NULs).
_SURROGATE_SOURCE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]|\x00")


def _may_hold_surrogates(raw: bytes) -> bool:
    # Plain byte searches first (each far quicker than the pattern): the pattern only runs
    # when one of them finds something.
    if b"\\ud" in raw or b"\\uD" in raw or b"\xed" in raw or b"\x00" in raw:
        return _SURROGATE_SOURCE.search(raw) is not None
    return False


def may_hold_broken_text() -> bool:
    """Whether the request's JSON body (read by read_json) may hold a lone surrogate somewhere.

    False means none of its strings can: checking them one by one (invalid_text_path) finds nothing.
    """
    return g.get("json_may_hold_surrogates", True)


def _printable(text: str) -> str:
    return _LONE_SURROGATE.sub("\ufffd", text)


def read_json(max_bytes: int, require_json_type: bool = False, own_text: tuple[str, ...] = ()) -> dict:
    """The request's JSON object, reading (and inflating) at most `max_bytes`.

    `own_text`: the members whose text the caller checks itself.
    """
    if require_json_type and not request.is_json:
        raise NotJson()
    if request.content_length is not None and request.content_length > max_bytes:
        raise BodyTooLarge()
    raw = request.stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise BodyTooLarge()
    raw = _decoded(raw, max_bytes)
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise MalformedJson() from error
    if too_deep(raw, body):
        raise MalformedJson()
    if b"\\u0000" in raw:  # a NUL inside a string: no field accepts it and PostgreSQL cannot store it
        raise MalformedJson()
    if not isinstance(body, dict):
        raise ValidationError(_l("Please send a JSON object."), code="not_an_object")
    g.json_may_hold_surrogates = _may_hold_surrogates(raw)
    broken = invalid_text_path({key: value for key, value in body.items() if key not in own_text})
    if broken is not None:
        raise InvalidText(errors={broken: [str(InvalidText.title)]})
    return body


def _decoded(raw: bytes, max_bytes: int) -> bytes:
    """The body as sent before its Content-Encoding (none or gzip), at most `max_bytes` of it."""
    encoding = (request.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding == "identity":
        return raw
    if encoding != "gzip":
        raise UnknownEncoding()
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(raw, max_bytes + 1)
    except zlib.error as error:
        raise MalformedJson() from error
    if len(body) > max_bytes or inflater.unconsumed_tail:
        raise BodyTooLarge()
    if not inflater.eof:
        raise MalformedJson()  # cut short
    return body


def json_reply(body: dict, status: int = 200):
    """`body` as a JSON reply, gzip-compressed when the client accepts it and it is worth it."""
    return encoded_json_reply(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), status)


def encoded_json_reply(payload: bytes, status: int = 200):
    """A JSON body already encoded (UTF-8) as a reply, gzip-compressed as by `json_reply`."""
    response = current_app.response_class(payload, status=status, mimetype="application/json")
    response.vary.add("Accept-Encoding")
    if len(payload) >= GZIP_MIN_BYTES and request.accept_encodings["gzip"]:
        response.set_data(gzip.compress(payload, compresslevel=5))
        response.headers["Content-Encoding"] = "gzip"
    return response
