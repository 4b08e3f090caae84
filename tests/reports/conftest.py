"""A small field of households whose indicator values are worked out by hand in the tests."""

from datetime import UTC, date, datetime

import pytest

from server.extensions import db
from server.reports.models import Baseline, Target
from tests import factories as f

AS_OF = date(2025, 6, 30)  # "today" for the fixture; 90 days before is 2025-04-01
REGISTERED = datetime(2025, 1, 10, 8, 0, tzinfo=UTC)


def _household(commune, hamlet=None, **fields):
    return f.household(commune, hamlet, created_at=REGISTERED, **fields)


@pytest.fixture
def field(ctx):
    """Trà Cú: 4 counted households (one erased) + deleted and merged ones; Tập Sơn: 1; Cần Thơ: 1."""
    tree = f.small_tree()
    tra_cu, hamlet, tap_son = tree["commune"], tree["hamlet"], tree["commune2"]
    h1 = _household(tra_cu, hamlet, head_name="Thạch Sa Rinh", smartphone="yes", plus_code="7P28QJXV+2C")
    h2 = _household(tra_cu, hamlet, head_name="Kim Thị Sà Phol", smartphone="no", phone="0912345678")
    h3 = _household(tra_cu, None, head_name="Lâm Văn Bảy", smartphone="yes", smartphone_since=date(2025, 4, 15))
    h3.vnpost_code = "8600012345"
    gone = _household(tra_cu, hamlet, head_name="Đã Xoá", deleted_at=REGISTERED)
    merged = _household(tra_cu, hamlet, head_name="Trùng Lặp", merged_into_id=h1.id, deleted_at=REGISTERED)
    erased = _household(tra_cu, hamlet, head_name="—", erased_at=REGISTERED)
    h7 = _household(tap_son, tree["hamlet2"], head_name="Trần Thị Bé")
    h8 = _household(tree["other_commune"], None, head_name="Cần Thơ Một", smartphone="yes")

    f.training(tra_cu, date(2025, 2, 1), ["digital_skills"], [h1, gone, merged])
    f.training(tra_cu, date(2025, 6, 1), ["livestream", "selling_online"], [h1])
    f.training(tra_cu, date(2025, 5, 15), ["digital_skills"], [h2])
    dropped = f.training(tra_cu, date(2025, 3, 1), ["digital_skills"], [h3])
    dropped.deleted_at = REGISTERED
    later = f.training(tra_cu, date(2025, 3, 2), ["digital_skills"], [h3])
    later.attendance[0].deleted_at = REGISTERED
    f.training(tap_son, date(2025, 6, 10), ["digital_skills", "packaging_delivery"], [h7])
    f.training(tree["other_commune"], date(2025, 2, 1), ["digital_skills"], [h8])
    f.training(tra_cu, date(2025, 7, 5), ["packaging_delivery"], [h1])  # after AS_OF

    f.seller_account(
        h1, "postmart", opened_on=date(2025, 3, 1), products_listed=3, orders_reported=5, checked_on=date(2025, 5, 1)
    )
    f.seller_account(h3, "voso", opened_on=date(2025, 4, 20))
    f.seller_account(h3, "shopee", opened_on=date(2025, 5, 20), products_listed=1)
    f.seller_account(gone, "postmart", opened_on=date(2025, 3, 1), orders_reported=100)
    f.payment_account(h1, "viettel_money", opened_on=date(2025, 3, 1))
    f.payment_account(erased, "momo", opened_on=date(2025, 3, 1))
    f.seller_account(h8, "postmart", opened_on=date(2025, 3, 1))

    db.session.add_all(
        [
            Baseline(place_code=tra_cu.code, year=2025, farm_households=10),
            Baseline(place_code=tree["province"].code, year=2025, farm_households=100),
            Target(place_code=tree["province"].code, year=2025, indicator="trained_digital", percent=50),
            Target(place_code=tree["province"].code, year=2025, indicator="seller_account", percent=40),
            Target(place_code=tra_cu.code, year=2025, indicator="trained_digital", percent=30),
        ]
    )
    db.session.commit()
    return {**tree, "h1": h1, "h2": h2, "h3": h3, "h7": h7, "h8": h8, "gone": gone, "merged": merged}
