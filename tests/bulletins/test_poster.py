"""The notice-board poster: one A4 page, Khmer shaped by raqm, and a QR code that opens the bulletin's public page."""

import fontpkg_noto_sans_khmer
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps

from server.bulletins import poster
from server.bulletins.views import public_url
from server.labels import fonts
from server.labels.raster import to_print
from server.public.codes import base_url, public_code
from tests import factories as f
from tests.labels.conftest import pdf_pages, read_qr

KHMER_FILE = str(fontpkg_noto_sans_khmer.ROOT / "files" / "NotoSansKhmer[wdth,wght].ttf")
KHMER_TITLE = f.BULLETIN_TEXTS["km"]["title"]


def _poster(client, supervisor, bulletin) -> Image.Image:
    f.login(client, supervisor)
    response = client.get(f"/bulletins/{bulletin.id}/poster.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    [(page, media_box)] = pdf_pages(response.data)
    assert [round(v) for v in media_box] == [0, 0, 595, 842]  # A4 in points
    page = page.convert("L")
    # The decoder's TIFF reads the stream as WhiteIsZero: the corner is paper, whichever value it came as.
    return ImageOps.invert(page) if page.getpixel((2, 2)) == 0 else page


def _line_alone(line, engine) -> Image.Image:
    """The line drawn by Pillow itself with one layout engine, in the poster's font and weight."""
    face = ImageFont.truetype(KHMER_FILE, line.size, layout_engine=engine)
    face.set_variation_by_name("Bold" if line.bold else "Medium")
    image = Image.new("L", (poster.WIDTH, poster.HEIGHT), 255)
    language = "km" if engine == ImageFont.Layout.RAQM else None
    ImageDraw.Draw(image).text((line.x, line.baseline), line.text, font=face, fill=0, anchor="ls", language=language)
    return to_print(image).convert("L")


def test_the_poster_qr_code_opens_the_public_page(client, tree, supervisor):
    bulletin = f.bulletin(tree["commune"])
    page = _poster(client, supervisor, bulletin)
    assert read_qr(page) == [f"{base_url()}/n/{public_code(bulletin.id)}"]


def test_the_khmer_title_on_the_poster_is_shaped_by_raqm(app, client, tree, supervisor):
    bulletin = f.bulletin(tree["commune"])
    page = _poster(client, supervisor, bulletin)
    with app.test_request_context():
        [line] = [line for line in poster.layout(bulletin, public_url(bulletin)) if line.text == KHMER_TITLE]
    ascent, descent = fonts.vertical_extent(line.text, line.size, line.bold)
    box = (0, line.baseline - ascent, poster.WIDTH, line.baseline + descent)
    shaped, unshaped = _line_alone(line, ImageFont.Layout.RAQM), _line_alone(line, ImageFont.Layout.BASIC)
    assert ImageChops.difference(shaped, unshaped).crop(box).getbbox() is not None
    assert ImageChops.difference(page.crop(box), shaped.crop(box)).getbbox() is None


def test_the_poster_carries_both_languages_and_the_price(app, tree):
    bulletin = f.bulletin(tree["commune"], price=95000, price_unit="dozen", price_on=f.date(2026, 11, 30))
    with app.test_request_context("/?lang=en"):
        texts = [line.text for line in poster.layout(bulletin, public_url(bulletin))]
    assert f.BULLETIN_TEXTS["vi"]["title"] in texts and KHMER_TITLE in texts
    assert "Giá thị trường" in texts and "• Dừa loại 2: 70.000 đ" in texts
    khmer_part = texts[texts.index(KHMER_TITLE) - 1 :]  # the kind of bulletin heads each language
    assert any(text.startswith("95.000 đ mỗi chục") for text in texts[: texts.index(KHMER_TITLE)])
    assert any("ក្នុងមួយដប់ពីរ" in text for text in khmer_part) and "តម្លៃទីផ្សារ" in khmer_part
