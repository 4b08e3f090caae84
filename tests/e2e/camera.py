"""A fake camera feed for Chromium: a .y4m video of a QR code on a label-white background."""

from pathlib import Path

import qrcode
from PIL import Image

WIDTH, HEIGHT, FRAMES = 640, 480, 5


def qr_video(text: str, folder: Path) -> Path:
    """Write a few frames showing a QR code of `text`; returns the .y4m path."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(text)
    picture = code.make_image(fill_color="black", back_color="white").get_image().convert("L")
    side = min(HEIGHT - 40, picture.width)
    picture = picture.resize((side, side), Image.NEAREST)
    frame = Image.new("L", (WIDTH, HEIGHT), 235)
    frame.paste(picture, ((WIDTH - side) // 2, (HEIGHT - side) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    path = folder / "label.y4m"
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(FRAMES):
            video.write(b"FRAME\n" + luma + chroma + chroma)
    return path
