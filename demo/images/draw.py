"""Draws the demo campaign's logo and header image: abstract shapes in its accent colour, made here.

Run from the repository's root to draw them again: ``python demo/images/draw.py``. No third-party art:
the demo ships only images this script drew (demo/identity.py loads them).
"""

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
ACCENT = (15, 94, 99)  # demo.identity.ACCENT_COLOUR
DEEP = (8, 44, 52)
LIGHT = (88, 170, 166)
SCALE = 2  # drawn twice as large, then reduced: smooth edges


def _mix(first, second, amount):
    return tuple(round(a + (b - a) * amount) for a, b in zip(first, second))


def _network(width, height, count, seed):
    """Points spread over the picture, denser towards its end (the text side stays calm)."""
    rng = random.Random(seed)
    points = []
    while len(points) < count:
        x, y = rng.random(), rng.random()
        if rng.random() < x**1.4:
            points.append((x * width, y * height))
    return points


def draw_header(path):
    width, height = 1600 * SCALE, 500 * SCALE
    image = Image.new("RGB", (width, height))
    pixels = ImageDraw.Draw(image)
    for x in range(width):  # a gradient from the deep shade to the accent, left to right
        pixels.line([(x, 0), (x, height)], fill=_mix(DEEP, ACCENT, (x / width) ** 0.8))
    overlay = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    # A globe's meridians and parallels, on the right.
    cx, cy, radius = width * 0.76, height * 0.55, height * 0.62
    for step in range(-3, 4):
        w = radius * abs(math.cos(step * math.pi / 8))
        draw.ellipse([cx - w, cy - radius, cx + w, cy + radius], outline=(255, 255, 255, 38), width=2 * SCALE)
    for step in range(-3, 4):
        y = cy + radius * math.sin(step * math.pi / 8)
        w = radius * math.cos(step * math.pi / 8)
        draw.line([(cx - w, y), (cx + w, y)], fill=(255, 255, 255, 30), width=2 * SCALE)
    # The coalition: points joined to their neighbours.
    points = _network(width, height, 90, seed=21)
    reach = height * 0.34
    for i, (x1, y1) in enumerate(points):
        for x2, y2 in points[i + 1 :]:
            distance = math.dist((x1, y1), (x2, y2))
            if distance < reach:
                alpha = round(90 * (1 - distance / reach))
                draw.line([(x1, y1), (x2, y2)], fill=(255, 255, 255, alpha), width=SCALE)
    for x, y in points:
        r = 4 * SCALE
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(*_mix(LIGHT, (255, 255, 255), 0.5), 220))
    glow = overlay.filter(ImageFilter.GaussianBlur(3 * SCALE))
    image = Image.alpha_composite(Image.alpha_composite(image.convert("RGBA"), glow), overlay).convert("RGB")
    image.resize((1600, 500), Image.LANCZOS).save(path, format="WEBP", quality=82, method=6)


def draw_logo(path):
    size = 256 * SCALE * 2
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin = size * 0.04
    draw.ellipse([margin, margin, size - margin, size - margin], fill=ACCENT)
    # Three organizations joined into one: a triangle of points, each linked to the others and to the centre.
    centre = size / 2
    corners = [
        (centre + size * 0.27 * math.cos(angle), centre + size * 0.27 * math.sin(angle))
        for angle in (-math.pi / 2, math.pi / 6, 5 * math.pi / 6)
    ]
    for i, corner in enumerate(corners):
        draw.line([corner, corners[(i + 1) % 3]], fill="white", width=round(size * 0.035))
        draw.line([corner, (centre, centre)], fill=(255, 255, 255, 150), width=round(size * 0.02))
    for x, y in corners:
        r = size * 0.075
        draw.ellipse([x - r, y - r, x + r, y + r], fill="white")
    r = size * 0.05
    draw.ellipse([centre - r, centre - r, centre + r, centre + r], fill=LIGHT)
    image.resize((256, 256), Image.LANCZOS).save(path, format="PNG", optimize=True)


if __name__ == "__main__":
    draw_header(HERE / "header.webp")
    draw_logo(HERE / "logo.png")
