"""Demo bulletins for Vĩnh Long and Cần Thơ: rice and coconut prices, a Postmart tip, a livestream class."""

from datetime import timedelta

from server.demo.seeded import Seeded

# (place code, kind, category, price, unit, days valid, {language: (title, body)})
BULLETINS = (
    (
        "86",
        "market_price",
        "coconut",
        95000,
        "dozen",
        14,
        {
            "vi": (
                "Giá dừa khô tuần này",
                "Thương lái ở chợ Trà Vinh mua dừa khô loại 1 giá 95.000 đ một chục (12 trái).\n"
                "- Dừa loại 2: khoảng 70.000 đ một chục\n"
                "- Dừa sáp: hỏi giá tại hợp tác xã Cầu Kè\n"
                "Bán trên sàn Postmart được giá cao hơn khi đóng gói đẹp.",
            ),
            "km": (
                "តម្លៃដូងស្ងួតសប្តាហ៍នេះ",
                "ឈ្មួញនៅផ្សារត្រាវិញទិញដូងស្ងួតថ្នាក់ទី១ តម្លៃ ៩៥.០០០ ដុង មួយដប់ពីរផ្លែ។\n"
                "- ដូងថ្នាក់ទី២៖ ប្រហែល ៧០.០០០ ដុង មួយដប់ពីរផ្លែ\n"
                "- ដូងខ្ទិះ៖ សួរតម្លៃនៅសហករណ៍ Cầu Kè\n"
                "លក់លើ Postmart បានតម្លៃខ្ពស់ជាង បើវេចខ្ចប់ស្អាត។",
            ),
        },
    ),
    (
        "92",
        "market_price",
        "rice",
        7800,
        "kg",
        10,
        {
            "vi": (
                "Giá lúa tươi OM18 tại ruộng",
                "Giá lúa tươi OM18 tại ruộng khoảng 7.800 đ/kg, lúa Đài Thơm 8 khoảng 8.200 đ/kg.\n"
                "- Nên ký hợp đồng bao tiêu với hợp tác xã trước khi gặt\n"
                "- Phơi khô đúng độ ẩm để được giá tốt",
            ),
            "km": (
                "តម្លៃស្រូវស្រស់ OM18 នៅវាលស្រែ",
                "តម្លៃស្រូវស្រស់ OM18 នៅវាលស្រែប្រហែល ៧.៨០០ ដុង ក្នុងមួយគីឡូ ស្រូវ Đài Thơm 8 ប្រហែល ៨.២០០ ដុង។\n"
                "- គួរចុះកិច្ចសន្យាជាមួយសហករណ៍មុនពេលច្រូត\n"
                "- សម្ងួតឱ្យល្មមសំណើម ដើម្បីបានតម្លៃល្អ",
            ),
        },
    ),
    (
        "86",
        "marketplace_tip",
        "processed",
        None,
        None,
        30,
        {
            "vi": (
                "Mẹo bán hàng trên Postmart",
                "Gian hàng có ảnh rõ và mô tả đầy đủ bán được nhiều hơn.\n"
                "- Chụp ảnh sản phẩm ban ngày, trên nền sáng\n"
                "- Ghi rõ khối lượng, hạn dùng và nơi sản xuất\n"
                "- Trả lời tin nhắn của khách trong ngày",
            ),
            "km": (
                "គន្លឹះលក់ទំនិញលើ Postmart",
                "ហាងដែលមានរូបថតច្បាស់ និងការពិពណ៌នាពេញលេញ លក់បានច្រើនជាង។\n"
                "- ថតរូបផលិតផលពេលថ្ងៃ លើផ្ទៃភ្លឺ\n"
                "- សរសេរឱ្យច្បាស់ពីទម្ងន់ ថ្ងៃផុតកំណត់ និងកន្លែងផលិត\n"
                "- ឆ្លើយសារអតិថិជនក្នុងថ្ងៃដដែល",
            ),
        },
    ),
    (
        "92",
        "training",
        None,
        None,
        None,
        21,
        {
            "vi": (
                "Lớp học bán hàng qua livestream",
                "Lớp học miễn phí bán hàng qua livestream trên TikTok Shop và Facebook tại nhà văn hóa xã.\n"
                "- Mang theo điện thoại đã sạc đầy\n"
                "- Mang một sản phẩm của gia đình để thực hành",
            ),
            "km": (
                "ថ្នាក់រៀនលក់ទំនិញតាមការផ្សាយផ្ទាល់",
                "ថ្នាក់រៀនឥតគិតថ្លៃ អំពីការលក់ទំនិញតាមការផ្សាយផ្ទាល់លើ TikTok Shop និង Facebook នៅផ្ទះវប្បធម៌ឃុំ។\n"
                "- យកទូរស័ព្ទដែលសាកថ្មពេញមកជាមួយ\n"
                "- យកផលិតផលមួយរបស់គ្រួសារមកអនុវត្ត",
            ),
        },
    ),
)


def bulletins_for(rng: Seeded, author_id: int | None) -> list[dict]:
    """The demo bulletins as published rows, written in the last few days."""
    rows = []
    for place_code, kind, category, price, unit, days, texts in BULLETINS:
        when = rng.moment(rng.days_ago(4), rng.days_ago(1))
        rows.append(
            {
                "id": rng.uuid7(when),
                "place_code": place_code,
                "kind": kind,
                "category": category,
                "price": price,
                "price_unit": unit,
                "price_on": when.date() if price is not None else None,
                "expires_on": rng.today + timedelta(days=days),
                "texts": {code: {"title": title, "body": body} for code, (title, body) in texts.items()},
                "status": "published",
                "author_id": author_id,
                "published_at": when,
                "withdrawn_at": None,
                "created_at": when,
                "updated_at": when,
                "deleted_at": None,
                "version": 0,
            }
        )
    return rows
