"""The phone's Plus Code encoder agrees with the specification's test values and with the Python library."""

import random

from openlocationcode import openlocationcode

from tests.pwa.node_module import call

# From the Open Location Code specification's encoding test data: latitude, longitude, length, code.
SPEC_VALUES = [
    (20.375, 2.775, 6, "7FG49Q00+"),
    (20.3700625, 2.7821875, 10, "7FG49QCJ+2V"),
    (20.3701135, 2.78223535156, 13, "7FG49QCJ+2VXGJ"),
    (47.0000625, 8.0000625, 10, "8FVC2222+22"),
    (-41.2730625, 174.7859375, 10, "4VCPPQGP+Q9"),
    (-89.9999375, -179.9999375, 10, "22222222+22"),
    (90, 1, 10, "CFX3X2X2+X2"),
    (1, 181, 4, "62H30000+"),
    (-41.2730625, -905.2140625, 10, "4VCPPQGP+Q9"),
    (1.2, 3.4, 10, "6FH56C22+22"),
    (37.539669125, -122.375069724, 100, "849VGJQF+VX7QR3J"),
    (35.6, 3.033, 10, "8F75J22M+26"),
    (80.0100000001, 58.57, 15, "CHGW2H6C+2222222"),
    (80.0099999999, 58.57, 15, "CHGW2H5C+X2RRRRR"),
    (-80.0, -360000000170.0, 2, "22000000+"),
]


def test_encoder_matches_the_specification():
    codes = call("geo/plus-code.js", "encodePlusCode", [list(row[:3]) for row in SPEC_VALUES])
    assert codes == [row[3] for row in SPEC_VALUES]


def test_encoder_matches_the_python_library_across_vietnam():
    rng = random.Random(86)
    points = [(round(rng.uniform(8.4, 23.4), 6), round(rng.uniform(102.1, 109.5), 6)) for _ in range(300)]
    codes = call("geo/plus-code.js", "encodePlusCode", [[lat, lng] for lat, lng in points])
    assert codes == [openlocationcode.encode(lat, lng) for lat, lng in points]
