"""What labels say, and what they leave out without consent."""

from datetime import date

import pytest
from openlocationcode import openlocationcode as olc

from server.labels.content import address_content, origin_content
from server.labels.layouts import LAYOUTS
from server.labels.plan import plan_label
from server.public.codes import household_code
from tests import factories as f

LAT, LNG = 9.7012, 106.2723


def _texts(content) -> list[str]:
    return [block.text for block in content.blocks]


def test_address_label_with_every_consent(ctx):
    tree = f.small_tree()
    home = f.household(
        tree["commune"],
        tree["hamlet"],
        head_name="Thạch Thị Sóc Ly",
        latitude=LAT,
        longitude=LNG,
        vnpost_code="8600012345",
    )
    f.consent(home, "publish")
    f.consent(home, "location")
    texts = _texts(address_content(home, "en"))
    full = olc.encode(LAT, LNG)
    assert texts[:4] == ["Thạch Thị Sóc Ly", f"Household {household_code(home.id)}", "Phum Sóc Chuối", "Xã Trà Cú"]
    assert "Tỉnh Vĩnh Long (formerly Tỉnh Trà Vinh)" in texts
    assert full in texts
    short = next(t for t in texts if t.endswith("Xã Trà Cú") and "+" in t)
    # The short code and the commune's name lead back to the full code from anywhere nearby.
    assert olc.recoverNearest(short.split()[0], LAT + 0.2, LNG - 0.2) == full
    assert "VNPost 8600012345" in texts
    assert "Formerly: Thị trấn Trà Cú (Huyện Trà Cú)" in texts


def test_address_label_without_consent_has_no_name_or_location(ctx):
    tree = f.small_tree()
    home = f.household(tree["commune"], head_name="Kim Sóc Pha", latitude=LAT, longitude=LNG, vnpost_code="8600012345")
    f.consent(home, "publish", given=False)
    texts = " ".join(_texts(address_content(home, "vi")))
    assert "Kim Sóc Pha" not in texts
    assert olc.encode(LAT, LNG) not in texts and "8600012345" not in texts
    assert "Xã Trà Cú" in texts


def test_address_label_with_location_consent_alone_prints_no_location(ctx):
    tree = f.small_tree()
    home = f.household(tree["commune"], head_name="Kim Sóc Pha", latitude=LAT, longitude=LNG, vnpost_code="8600012345")
    f.consent(home, "location")
    texts = " ".join(_texts(address_content(home, "vi")))
    assert olc.encode(LAT, LNG) not in texts and "8600012345" not in texts
    assert "Xã Trà Cú" in texts


def test_origin_label_says_product_producer_place_stars_lot_and_date(ctx):
    tree = f.small_tree()
    item = f.product(f.producer(tree["commune"], name="HTX Ngãi Xuyên"), name="Bưởi da xanh", ocop_stars=4)
    content = origin_content(f.lot(item, "L7", packed_on=date(2026, 5, 12)), "en")
    texts = _texts(content)
    assert texts[:3] == ["Bưởi da xanh", "HTX Ngãi Xuyên", "Xã Trà Cú"]
    assert content.blocks[3].stars == 4
    assert texts[4] == "Lot L7 · packed May 12, 2026"
    assert content.caption == "lensan.example"


def test_household_producer_is_named_only_with_its_consent(ctx):
    tree = f.small_tree()
    home = f.household(tree["commune"])
    item = f.product(f.producer(tree["commune"], kind="household", household=home, name="Chị Sóc Pha"))
    lot = f.lot(item)
    assert "Chị Sóc Pha" not in _texts(origin_content(lot, "vi"))
    f.consent(home, "publish")
    assert "Chị Sóc Pha" in _texts(origin_content(lot, "vi"))


def _printed(content, layout_key="thermal-50x30") -> str:
    """Every line of text a label prints, in order."""
    return "\n".join(line.text for line in plan_label(content, LAYOUTS[layout_key]).lines)


@pytest.mark.parametrize("layout_key", ["thermal-50x30", "a4-3x8"])
def test_nameless_labels_of_one_hamlet_can_be_told_apart_by_their_household_code(ctx, layout_key):
    tree = f.small_tree()
    homes = [f.household(tree["commune"], tree["hamlet"], head_name=f"Thạch Sóc {n}") for n in range(51)]
    printed = [_printed(address_content(home, "km"), layout_key) for home in homes]
    assert not any("Thạch Sóc" in text for text in printed)  # no publishing consent: no name
    assert len(set(printed)) == 51
    for home, text in zip(homes, printed, strict=True):
        assert household_code(home.id) in text


def test_a_commune_formed_from_three_former_units_prints_all_of_them(ctx):
    tree = f.small_tree()
    merged = f.place(
        "29470",
        "Xã Ngãi Xuyên",
        "commune",
        tree["province"],
        (
            "Thị trấn Trà Cú, Huyện Trà Cú, Tỉnh Trà Vinh",
            "Xã Ngãi Xuyên, Huyện Trà Cú, Tỉnh Trà Vinh",
            "Xã Thanh Sơn, Huyện Trà Cú, Tỉnh Trà Vinh",
        ),
    )
    hamlet = f.place("29470-001", "Ấp Chợ", "hamlet", merged)
    home = f.household(merged, hamlet, head_name="Kim Thị Sa Rươne", latitude=LAT, longitude=LNG)
    for purpose in ("publish", "location"):
        f.consent(home, purpose)
    for layout_key in sorted(LAYOUTS):
        printed = _printed(address_content(home, "vi"), layout_key).replace("\n", " ")
        assert "Trước đây: " in printed, (layout_key, printed)
        formerly = printed.split("Trước đây: ", 1)[1]
        for former in ("Trà Cú", "Ngãi Xuyên", "Thanh Sơn"):
            assert former in formerly, (layout_key, printed)
