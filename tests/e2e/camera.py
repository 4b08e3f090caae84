"""A fake camera feed for Chromium: a .y4m video of a label held in front of the phone."""

import io
from pathlib import Path

from PIL import Image

WIDTH, HEIGHT, FRAMES = 640, 480, 5
MARGIN = 20


def label_video(png: bytes, folder: Path) -> Path:
    """Write a few frames showing a printed label (PNG bytes) on a grey table; returns the .y4m path."""
    label = Image.open(io.BytesIO(png)).convert("L")
    scale = min((WIDTH - 2 * MARGIN) / label.width, (HEIGHT - 2 * MARGIN) / label.height)
    # Smooth scaling: a camera sees blurred module edges, not crisp printer dots.
    label = label.resize((round(label.width * scale), round(label.height * scale)), Image.Resampling.BILINEAR)
    frame = Image.new("L", (WIDTH, HEIGHT), 150)
    frame.paste(label, ((WIDTH - label.width) // 2, (HEIGHT - label.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    path = folder / "label.y4m"
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(FRAMES):
            video.write(b"FRAME\n" + luma + chroma + chroma)
    return path
