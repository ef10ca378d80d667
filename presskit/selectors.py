"""What the press kit pages read: a campaign's items in one language, and who may see embargoed ones."""

from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import roles
from campaigns.models import Campaign, Statement
from signatories.selectors import signatory_list_version, with_public_signatory_counts

from .models import Document, PressKitItem, PreviewLink

# Where a visitor's valid preview links are remembered: {campaign pk: token}.
PREVIEW_SESSION_KEY = "press_kit_previews"


def public_campaign(campaign_slug) -> Campaign:
    return get_object_or_404(Campaign.objects.public(), slug=campaign_slug)


def has_preview(request, campaign) -> bool:
    """Whether this visitor may see embargoed items: the campaign's staff, or someone who opened a preview link of
    ``campaign`` that is still valid (one query, if any)."""
    if roles.works_on(request.user, campaign.pk):
        return True
    token = request.session.get(PREVIEW_SESSION_KEY, {}).get(str(campaign.pk)) if hasattr(request, "session") else None
    return bool(token) and PreviewLink.objects.active().filter(campaign=campaign, token=token).exists()


@dataclass
class PressKit:
    campaign: Campaign
    language: str
    languages: list
    items: list
    statements: list
    preview: bool

    def of_kind(self, kind):
        return [item for item in self.items if item.kind == kind]

    @property
    def press_releases(self):
        return self.of_kind(PressKitItem.Kind.PRESS_RELEASE)

    @property
    def social_messages(self):
        return self.of_kind(PressKitItem.Kind.SOCIAL_MESSAGE)

    @property
    def images(self):
        return self.of_kind(PressKitItem.Kind.IMAGE)

    @property
    def documents(self):
        return self.of_kind(PressKitItem.Kind.DOCUMENT)


def press_kit_languages(campaign, *, preview) -> list:
    """The languages the kit has items in, in the site's language order."""
    found = set(
        PressKitItem.objects.visible_to(preview=preview)
        .filter(campaign=campaign)
        .order_by()
        .values_list("language", flat=True)
        .distinct()
    )
    return [code for code, _name in settings.LANGUAGES if code in found]


def choose_language(requested, available, active) -> str:
    """The kit's language: the one asked for if it exists, else the reader's, else the first there is."""
    for candidate in (requested, active):
        if candidate in available:
            return candidate
    return available[0] if available else active


def press_kit(campaign, *, language, preview, languages=None, now=None) -> PressKit:
    """Everything a press kit page shows in ``language``; three queries whatever its size."""
    if languages is None:
        languages = press_kit_languages(campaign, preview=preview)
    items = list(
        PressKitItem.objects.visible_to(preview=preview, now=now or timezone.now())
        .filter(campaign=campaign, language=language)
        .select_related("statement", "campaign")
        .order_by("kind", "position", "pk")
    )
    # A preview link is for journalists under embargo: it shows who signed a statement still
    # circulating before its launch too.
    # Counted from the cache the statement page fills: counting a million sign-ons took 1.4 s.
    statements = with_public_signatory_counts(
        list(
            (Statement.objects.public() if preview else Statement.objects.announced())
            .filter(campaign=campaign)
            .select_related("campaign")
            .annotate(signatory_list_version=signatory_list_version())
        )
    )
    return PressKit(
        campaign=campaign, language=language, languages=languages, items=items, statements=statements, preview=preview
    )


def visible_item(campaign, item_id, *, preview) -> PressKitItem:
    """One item for download: a 404 for anything embargoed (unless previewing) or elsewhere."""
    return get_object_or_404(
        PressKitItem.objects.visible_to(preview=preview).select_related("campaign"), campaign=campaign, pk=item_id
    )


# The newest exports a staff member's exports page lists.
EXPORTS_LISTED = 30


def staff_exports(user, *, visible_statement_ids, with_contacts: bool) -> list[Document]:
    """``user``'s own exports, newest first, each of statements they may still see (``visible_statement_ids``):
    a staff member who left a campaign no longer downloads its lists. Exports with contact details (all
    sign-ons) only ``with_contacts``, for those who may export them."""
    documents = (
        Document.objects.filter(requested_by=user).exclude(requested_by__isnull=True).prefetch_related("statements")
    )
    return [
        document
        for document in documents[:EXPORTS_LISTED]
        if (with_contacts or document.kind != Document.Kind.SIGN_ONS)
        and all(statement.pk in visible_statement_ids for statement in document.statements.all())
    ]


def campaign_of(documents) -> Campaign | None:
    """The one campaign all ``documents``' statements are of (the exports page leads back to its home), or None."""
    campaign_ids = {statement.campaign_id for document in documents for statement in document.statements.all()}
    return Campaign.objects.filter(pk__in=campaign_ids).first() if len(campaign_ids) == 1 else None
