"""Former units of a merged commune, said shorter and shorter for labels with little room."""

from server.places.names import former_units

TRA_CU = [
    "Thị trấn Trà Cú, Huyện Trà Cú, Tỉnh Trà Vinh",
    "Xã Ngãi Xuyên, Huyện Trà Cú, Tỉnh Trà Vinh",
    "Xã Thanh Sơn, Huyện Trà Cú, Tỉnh Trà Vinh",
]


def test_every_former_unit_is_in_every_form_from_longest_to_shortest():
    forms = former_units(TRA_CU)
    assert forms == [
        "Thị trấn Trà Cú, Xã Ngãi Xuyên, Xã Thanh Sơn (Huyện Trà Cú)",
        "TT. Trà Cú, X. Ngãi Xuyên, X. Thanh Sơn (H. Trà Cú)",
        "TT. Trà Cú, X. Ngãi Xuyên, X. Thanh Sơn",
        "Trà Cú, Ngãi Xuyên, Thanh Sơn",
    ]
    assert [len(form) for form in forms] == sorted((len(form) for form in forms), reverse=True)


def test_numbered_wards_keep_their_unit_and_a_commune_without_a_past_has_none():
    assert former_units(["Phường 5, Thành phố Vị Thanh, Tỉnh Hậu Giang"])[-1] == "P. 5"
    assert former_units([]) == []
