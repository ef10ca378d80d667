"""The demo campaign's identity: its logo, accent colour, header image and the coalition's organizations.

The images are abstract drawings made for the demo (demo/images/draw.py), copied into the media storage
like an upload; the colour passes the contrast check of campaigns.identity; the partner organizations
are those the joint statement (seed 001) was "submitted by". Each is set only when the campaign has
none: what staff changed in the admin stays as they left it.
"""

from pathlib import Path

from django.core.files import File

from campaigns.models import CampaignPartner

from .signatory_details import ORGANIZATIONS

IMAGES_DIR = Path(__file__).resolve().parent / "images"
ACCENT_COLOUR = "#0f5e63"
HEADER_IMAGE_ALT = {
    "en": "An abstract drawing: points joined into a network over the outline of a globe, in deep teal.",
    "es": "Un dibujo abstracto: puntos unidos en una red sobre el contorno de un globo terráqueo, en verde azulado oscuro.",
    "fr": "Un dessin abstrait : des points reliés en réseau sur le contour d’un globe, en bleu canard profond.",
    "pt": "Um desenho abstrato: pontos ligados em rede sobre o contorno de um globo, em verde-azulado escuro.",
    "ar": "رسم تجريدي: نقاط متصلة في شبكة فوق خطوط كرة أرضية، باللون الأزرق المخضر الداكن.",
}
HEADER_IMAGE_CREDIT = "Illustration drawn for this demo, CC0"


def load_identity(campaign, joint):
    """Give ``campaign`` what it lacks of the demo's identity; ``joint`` is the parsed joint statement."""
    missing = not (campaign.logo and campaign.header_image and campaign.accent_colour)
    if not campaign.logo:
        _copy_image(campaign.logo, "logo.png")
    if not campaign.header_image:
        _copy_image(campaign.header_image, "header.webp")
        for language, text in HEADER_IMAGE_ALT.items():
            setattr(campaign, f"header_image_alt_{language}", text)
        campaign.header_image_credit = HEADER_IMAGE_CREDIT
    if not campaign.accent_colour:
        campaign.accent_colour = ACCENT_COLOUR
    if missing:
        campaign.save()
    if not campaign.partners.exists():
        for position, entry in enumerate(joint.submitted_by):
            details = ORGANIZATIONS.get(entry.text, {})
            CampaignPartner.objects.create(
                campaign=campaign, name=entry.name, website=details.get("website", ""), position=position
            )


def _copy_image(field, name):
    with open(IMAGES_DIR / name, "rb") as image:
        field.save(name, File(image), save=False)
