"""The demo campaign's press kit, targets and outreach actions, built from the campaign page (seed 003),
and its demands tracker (demo/demands_tracker.py).

The page offers four actions (publish, contact your representatives, contact the
media, tell us what you did) and a press kit: suggested messages, images, a
model press release and a reading list. The messages are the page's own lists of
problems and requirements; the press release is built from the joint statement;
the image is drawn here, so the demo carries no binary file.
"""

import io
import textwrap
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from demo.demands_tracker import load_demands_tracker
from outreach.models import OutreachAction, Target
from presskit.models import PressKitItem

# Every address is on example.org: letters written in the demo reach nobody.
DEMO_TARGETS = [
    ("CL", Target.Kind.STATE_DELEGATION, "Delegation of Chile to the Ad Hoc Committee on Cybercrime", "delegation.cl"),
    ("CL", Target.Kind.MINISTRY, "Ministry of Foreign Affairs of Chile, Human Rights Division", "minrel.cl"),
    (
        "AR",
        Target.Kind.STATE_DELEGATION,
        "Delegation of Argentina to the Ad Hoc Committee on Cybercrime",
        "delegation.ar",
    ),
    ("DE", Target.Kind.PERMANENT_MISSION, "Permanent Mission of Germany to the United Nations in Vienna", "mission.de"),
    ("KE", Target.Kind.STATE_DELEGATION, "Delegation of Kenya to the Ad Hoc Committee on Cybercrime", "delegation.ke"),
    ("MX", Target.Kind.PARLIAMENTARIAN, "Senate Committee on Foreign Affairs of Mexico", "senado.mx"),
    ("", Target.Kind.COMMITTEE, "Bureau of the Ad Hoc Committee on Cybercrime", "bureau.un"),
]

SOCIAL_MESSAGE_ES = (
    "El tratado de cibercrimen que se negocia en la ONU carece de salvaguardas de derechos humanos. "
    "Pedimos a los Estados que no lo aprueben en su forma actual."
)


def social_card_png(title: str) -> bytes:
    """A 1200×630 card with the campaign's question, in the proportions social networks show."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1200, 630), "#0b5cad")
    draw = ImageDraw.Draw(image)
    font, small = ImageFont.load_default(size=58), ImageFont.load_default(size=30)
    y = 120
    for line in textwrap.wrap(title, width=32)[:5]:
        draw.text((80, y), line, fill="white", font=font)
        y += 76
    draw.text((80, 540), "UN Cybercrime Convention · #HumanRightsFirst", fill="#ffbf47", font=small)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def _with_press_kit_link(text: str, campaign) -> str:
    """The seed's "… Download them here." with the link the web page had: the campaign's press kit.

    A path, not an absolute address: the instructions are shown only on the site's own pages,
    where a path keeps working whatever address the site is served from.
    """
    press_kit = reverse("presskit:press_kit", kwargs={"campaign_slug": campaign.slug})
    return text.replace("Download them here.", f"Download them from the [press kit]({press_kit}).")


def load_outreach_kit(campaign, statement, actions, joint):
    """Create what is missing of the demo's targets, actions and press kit; leaves existing rows alone."""
    for position, (country, kind, name, domain) in enumerate(DEMO_TARGETS):
        Target.objects.get_or_create(
            campaign=campaign,
            country=country,
            name=name,
            defaults={"kind": kind, "email": f"contact@{domain}.example.org", "position": position},
        )
    load_demands_tracker(campaign, statement)
    publish, representatives, media, other = actions.actions[:4]
    share_message = (
        "The UN cybercrime treaty lacks human rights safeguards. Over 100 organizations call on "
        "states to fix it or reject it:"
    )
    for position, (slug, kind, title, instructions, extra) in enumerate(
        [
            (
                "contact-your-representative",
                OutreachAction.Kind.CONTACT_REPRESENTATIVE,
                "Contact your representatives",
                representatives,
                {"letter_subject": "Please defend human rights in the UN Cybercrime Convention"},
            ),
            (
                "publish-on-your-website",
                OutreachAction.Kind.PUBLISH_WEBSITE,
                "Publish on your website or blog",
                publish,
                {"social_message": share_message},
            ),
            (
                "post-on-social-media",
                OutreachAction.Kind.SOCIAL_POST,
                "Post on social media",
                _with_press_kit_link(actions.resources[0], campaign),
                {"social_message": share_message},
            ),
            (
                "contact-the-media",
                OutreachAction.Kind.CONTACT_MEDIA,
                "Contact the media",
                media,
                {"social_message": share_message},
            ),
            # The page asks for email about what people did: the report form does that now.
            ("something-else", OutreachAction.Kind.OTHER, "Any other idea", other.split(" Write to us at")[0], {}),
        ]
    ):
        OutreachAction.objects.get_or_create(
            campaign=campaign,
            slug=slug,
            defaults={
                "kind": kind,
                "title": title,
                "instructions": instructions,
                "statement": statement,
                "position": position,
                **extra,
            },
        )

    if PressKitItem.objects.filter(campaign=campaign).exists():
        return
    demands = "\n".join(f"{n}. {text}" for n, text in enumerate(joint.demands, start=1))
    PressKitItem.objects.create(
        campaign=campaign,
        statement=statement,
        language="en",
        kind=PressKitItem.Kind.PRESS_RELEASE,
        position=0,
        title="Over 100 organizations call on states to reject the draft UN Cybercrime Convention",
        body=f"{joint.summary}\n\n{joint.demands_intro}\n\n{demands}\n\n"
        # Absolute, and an autolink: the release leaves the site (downloaded, pasted into an
        # email to an editor), where a path like /campaigns/… leads nowhere.
        f"The full statement and its signatories: <{settings.SITE_URL}{statement.get_absolute_url()}>",
    )
    for position, text in enumerate(actions.concerns + actions.requirements):
        PressKitItem.objects.create(
            campaign=campaign,
            language="en",
            kind=PressKitItem.Kind.SOCIAL_MESSAGE,
            position=position,
            title=f"Message {position + 1}",
            body=text,
        )
    PressKitItem.objects.create(
        campaign=campaign,
        language="es",
        kind=PressKitItem.Kind.SOCIAL_MESSAGE,
        title="Mensaje 1",
        body=SOCIAL_MESSAGE_ES,
    )
    card = PressKitItem(
        campaign=campaign,
        language="en",
        kind=PressKitItem.Kind.IMAGE,
        title="Social-media card",
        alt_text=f"White text on blue: “{actions.heading}”",
        credit="Coalition campaigns demo, CC BY 4.0",
    )
    card.file.save("social-card.png", ContentFile(social_card_png(actions.heading)), save=False)
    card.save()
    reading = [line for line in actions.resources if ":" in line and not line.startswith("Do you")]
    document = PressKitItem(
        campaign=campaign,
        language="en",
        kind=PressKitItem.Kind.DOCUMENT,
        title="Reading list",
        body="Studies, columns and submissions on the Convention.",
    )
    document.file.save("reading-list.txt", ContentFile(("\n".join(reading) + "\n").encode()), save=False)
    document.save()
    # Shows the embargo at work: invisible to the public for a month, visible through a preview link.
    PressKitItem.objects.create(
        campaign=campaign,
        statement=statement,
        language="en",
        kind=PressKitItem.Kind.PRESS_RELEASE,
        position=1,
        title="Embargoed: reaction to the final vote",
        body="Civil society reacts to the vote on the Convention. (Demo of an embargoed item.)",
        embargo_until=timezone.now() + timedelta(days=30),
    )
