"""A campaign's identity: its accent colour's contrast and the images staff upload.

The accent colour is used as the colour of links and buttons' backgrounds (white text
on it) on a white page and on the light grey of the sign-on form. WCAG 2.2 AA asks
for a contrast of 4.5:1 for text. A colour below it is refused in the form, with the
nearest darker shade of the same hue that passes offered in the message: the
campaigners see exactly the colour they chose on their pages, never a silently
different one, and fixing it is one paste.

Images are checked by reading them (Pillow), not by their name: PNG, JPEG or WebP
only (no SVG: a file served from our domain must not be able to run a script), at
most ``MAX_IMAGE_BYTES``, within sensible dimensions; they are stored under a random
name with the extension of the format read.
"""

import re
import uuid

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# The backgrounds the accent colour is used on (static/css/site.css: the page, --surface).
ACCENT_BACKGROUNDS = ("#ffffff", "#f5f6f8")
MIN_CONTRAST = 4.5
MAX_IMAGE_BYTES = 2 * 1024 * 1024
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


def parse_hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def to_hex(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(max(0, min(255, round(c))) for c in rgb))


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour written #rrggbb."""

    def linear(channel):
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in parse_hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def lowest_contrast(colour: str) -> float:
    """The accent's contrast against the lightest background it is used on (white text on it is the same)."""
    return min(contrast_ratio(colour, background) for background in ACCENT_BACKGROUNDS)


def darker_shade(colour: str, factor: float) -> str:
    """The colour with each channel scaled by ``factor`` (same hue, darker)."""
    return to_hex(c * factor for c in parse_hex(colour))


def compliant_shade(colour: str) -> str:
    """The lightest darker shade of ``colour`` with at least MIN_CONTRAST on every background."""
    factor = 1.0
    while lowest_contrast(darker_shade(colour, factor)) < MIN_CONTRAST and factor > 0:
        factor -= 0.01
    return darker_shade(colour, max(factor, 0))


def hover_shade(colour: str) -> str:
    """The accent of a link or button under the pointer: darker still, so it stays readable."""
    return darker_shade(colour, 0.78)


def validate_accent_colour(value: str):
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value or ""):
        return  # empty, or malformed: the field's format check says so
    ratio = lowest_contrast(value)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            _(
                "This colour is too light to read as link text on the page or under white button text "
                "(contrast %(ratio)s:1; at least 4.5:1 is needed). A darker shade of it that works: %(suggestion)s."
            ),
            code="low_contrast",
            params={"ratio": f"{ratio:.1f}", "suggestion": compliant_shade(value)},
        )


@deconstructible
class ImageRules:
    """Checks an uploaded image by reading it: format, weight and dimensions."""

    def __init__(self, *, min_width, min_height, max_width=6000, max_height=6000):
        self.min_width, self.min_height = min_width, min_height
        self.max_width, self.max_height = max_width, max_height

    def __call__(self, value):
        from PIL import Image

        if value.size > MAX_IMAGE_BYTES:
            raise ValidationError(
                _("This image is %(size)s MB; please upload one of at most 2 MB."),
                code="too_big",
                params={"size": f"{value.size / 1024 / 1024:.1f}"},
            )
        try:
            value.seek(0)
            with Image.open(value) as image:
                image_format, (width, height) = image.format, image.size
        except Exception as error:
            raise ValidationError(_("This file is not an image we can read."), code="not_an_image") from error
        finally:
            value.seek(0)
        if image_format not in IMAGE_FORMATS:
            raise ValidationError(_("Please upload a PNG, JPEG or WebP image."), code="format")
        if width < self.min_width or height < self.min_height:
            raise ValidationError(
                _("This image is %(width)s×%(height)s pixels; it needs at least %(min_width)s×%(min_height)s."),
                code="too_small",
                params={"width": width, "height": height, "min_width": self.min_width, "min_height": self.min_height},
            )
        if width > self.max_width or height > self.max_height:
            raise ValidationError(
                _("This image is %(width)s×%(height)s pixels; it may be at most %(max_width)s×%(max_height)s."),
                code="too_large",
                params={"width": width, "height": height, "max_width": self.max_width, "max_height": self.max_height},
            )

    def __eq__(self, other):
        return isinstance(other, ImageRules) and vars(self) == vars(other)


def identity_upload_to(instance, filename):
    """``campaign-identity/<random>.<ext>``: nothing of the uploaded name survives but its extension."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    extension = {"jpeg": "jpg"}.get(extension, extension)
    if extension not in IMAGE_FORMATS.values():
        extension = "img"
    return f"campaign-identity/{uuid.uuid4().hex}.{extension}"
