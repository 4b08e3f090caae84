"""The phone reads a label's public code back to the household id exactly as the server writes it."""

import random
import re
import uuid

from server.models_base import uuid7
from server.public.codes import household_code, public_code, record_id
from tests.pwa.node_module import call


def test_codes_of_the_server_decode_to_their_record_ids():
    rng = random.Random(5)
    ids = [uuid7() for _ in range(100)] + [uuid.UUID(int=rng.getrandbits(128)) for _ in range(100)]
    ids += [uuid.UUID(int=0), uuid.UUID(int=2**128 - 1)]
    decoded = call("public-code.js", "recordId", [[public_code(i)] for i in ids])
    assert decoded == [str(i) for i in ids]


def test_misread_letters_case_and_spaces_are_forgiven_like_on_the_server():
    code = public_code(uuid7())
    typed = [code.upper(), f"  {code} ", code.replace("1", "l").replace("0", "o"), code.replace("1", "I")]
    decoded = call("public-code.js", "recordId", [[text] for text in typed])
    assert decoded == [str(record_id(text)) for text in typed] == [str(record_id(code))] * 4


def test_what_is_not_a_code_gives_no_household():
    code = public_code(uuid7())
    not_codes = [code[:-1], code + "0", code[:-1] + "u", "z" * 26, "", None, "https://lensan.example/a/" + code]
    assert call("public-code.js", "recordId", [[text] for text in not_codes]) == [None] * len(not_codes)
    assert [record_id(text) for text in not_codes] == [None] * len(not_codes)


def test_the_phone_makes_the_household_code_the_server_prints_on_labels():
    rng = random.Random(13)
    ids = [uuid7() for _ in range(200)] + [uuid.UUID(int=rng.getrandbits(128)) for _ in range(50)]
    ids += [uuid.UUID(int=0), uuid.UUID(int=2**128 - 1)]
    codes = [household_code(i) for i in ids]
    assert call("public-code.js", "householdCode", [[str(i)] for i in ids]) == codes
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{3}-[0-9A-HJKMNP-TV-Z]{4}", code) for code in codes)
    # A hamlet's labels differ: no two of these 252 households share a code.
    assert len(set(codes)) == len(codes)


def test_a_household_code_is_read_as_typed_forgiving_case_dashes_and_misread_letters():
    code = household_code(uuid7())
    compact = code.replace("-", "").lower()
    typed = [code, code.lower(), compact, f" {code[:3]} {code[4:]} ", code.replace("1", "I").replace("0", "O")]
    assert call("public-code.js", "householdCodeKey", [[text] for text in typed]) == [compact] * len(typed)
