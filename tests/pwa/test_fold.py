"""The phone folds search text exactly as the server does."""

from server.text import fold
from tests.pwa.node_module import call

SAMPLES = [
    "Nguyễn Văn Ánh",
    "ĐẶNG THỊ ĐÀO",
    "  Lê   Thị\tHồng  ",
    "Phum Sóc Chuối",
    "ឃុំត្រាំង",  # Khmer vowel signs are letters and stay
    "Ấp Ba Cụm",
    "Th\u200bạch\u202e Sa\u2060 Rinh\ufeff\u200e",  # invisible characters are dropped
    "",
]


def test_fold_matches_the_server():
    assert call("search/fold.js", "fold", [[text] for text in SAMPLES]) == [fold(text) for text in SAMPLES]
