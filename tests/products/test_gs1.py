"""GTIN check digits and lot codes, with known-good and known-bad values."""

import pytest

from server.products import gs1


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("8931234567897", "08931234567897"),  # Vietnamese prefix 893
        ("4006381333931", "04006381333931"),  # EAN-13
        ("036000291452", "00036000291452"),  # UPC-A (GTIN-12)
        ("96385074", "00000096385074"),  # EAN-8
        ("09506000134352", "09506000134352"),  # GTIN-14 from the GS1 Digital Link standard
        ("893 1234 56789 7", "08931234567897"),  # spaces as printed under barcodes
        ("893-1234567897", "08931234567897"),
    ],
)
def test_valid_gtins_are_stored_as_gtin14(typed, stored):
    assert gs1.normalise_gtin(typed) == stored


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("8931234567890", "check_digit"),
        ("4006381333932", "check_digit"),
        ("09506000134353", "check_digit"),
        ("9638507", "length"),
        ("123456789012345", "length"),
        ("0950600013435X", "characters"),
        ("８９３１２３４５６７８９７", "characters"),  # full-width digits
        ("", "characters"),
    ],
)
def test_invalid_gtins_say_why(typed, reason):
    with pytest.raises(gs1.GtinError) as caught:
        gs1.normalise_gtin(typed)
    assert caught.value.reason == reason


def test_check_digit_uses_weights_three_and_one_from_the_right():
    assert gs1.check_digit("893123456789") == 7
    assert gs1.check_digit("0950600013435") == 2


@pytest.mark.parametrize("code", ["A1", "LOT-2026.05_b", "12345678901234567890"])
def test_typed_lot_codes_accepted(code):
    assert gs1.is_typed_lot(code) and gs1.is_gs1_lot(code)


@pytest.mark.parametrize("code", ["", "lô 1", "A/B", "123456789012345678901", "ấp"])
def test_typed_lot_codes_refused(code):
    assert not gs1.is_typed_lot(code)


def test_gs1_lot_charset_82():
    assert gs1.is_gs1_lot("AB+C%1")
    assert not gs1.is_gs1_lot("AB C")
    assert not gs1.is_gs1_lot("ĐÀ")


@pytest.mark.parametrize("code", ["L-05\n", "L-05\r\n", "\nL-05"])
def test_a_line_break_is_no_lot_or_serial(code):
    assert not gs1.is_gs1_lot(code) and not gs1.is_typed_lot(code) and not gs1.is_gs1_serial(code)


def test_gs1_serial_is_ai_21():
    assert gs1.is_gs1_serial("12345678901234567890") and gs1.is_gs1_serial("x!%")
    assert not gs1.is_gs1_serial("123456789012345678901") and not gs1.is_gs1_serial("a b")
