from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from campaigns.models import Statement

from . import selectors, services
from .archive import press_kit_archive, publication_csv_chunks
from .letter import signed_letter as build_signed_letter
from .models import PreviewLink


def _private_when_previewing(response, preview):
    # Embargoed bytes must never sit in a shared cache between the preview and the public.
    if preview:
        patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def press_kit_page(request, campaign_slug):
    campaign = selectors.public_campaign(campaign_slug)
    preview = selectors.has_preview(request, campaign)
    languages = selectors.press_kit_languages(campaign, preview=preview)
    language = selectors.choose_language(request.GET.get("language"), languages, get_language())
    kit = selectors.press_kit(campaign, language=language, preview=preview, languages=languages)
    response = render(request, "presskit/press_kit.html", {"campaign": campaign, "kit": kit})
    return _private_when_previewing(response, preview)


@require_GET
def preview(request, campaign_slug, token):
    """Opens the embargoed kit for this browser while the link is valid (it is checked on every request)."""
    campaign = selectors.public_campaign(campaign_slug)
    link = PreviewLink.objects.active().filter(campaign=campaign, token=token).first()
    if link is None:
        return render(request, "presskit/preview_invalid.html", {"campaign": campaign}, status=404)
    previews = request.session.get(selectors.PREVIEW_SESSION_KEY, {})
    previews[str(campaign.pk)] = token
    request.session[selectors.PREVIEW_SESSION_KEY] = previews
    messages.info(request, _("You are seeing the press kit before its publication: embargoed items are marked."))
    return redirect("presskit:press_kit", campaign_slug=campaign.slug)


def _item(request, campaign_slug, item_id):
    campaign = selectors.public_campaign(campaign_slug)
    preview = selectors.has_preview(request, campaign)
    return selectors.visible_item(campaign, item_id, preview=preview), preview


@require_GET
def download(request, campaign_slug, item_id):
    item, preview = _item(request, campaign_slug, item_id)
    if item.file:
        response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.download_name)
    else:
        response = HttpResponse(f"{item.title}\n\n{item.body}\n", content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{item.download_name}"'
    services.count_downloads(item_ids=[item.pk])
    return _private_when_previewing(response, preview)


@require_GET
def image(request, campaign_slug, item_id):
    """An image shown on the press kit page (not counted as a download)."""
    item, preview = _item(request, campaign_slug, item_id)
    if not item.is_image:
        raise Http404
    return _private_when_previewing(FileResponse(item.file.open("rb")), preview)


@require_GET
def archive(request, campaign_slug, language):
    campaign = selectors.public_campaign(campaign_slug)
    preview = selectors.has_preview(request, campaign)
    languages = selectors.press_kit_languages(campaign, preview=preview)
    if language not in languages:
        raise Http404
    kit = selectors.press_kit(campaign, language=language, preview=preview, languages=languages)
    response = StreamingHttpResponse(press_kit_archive(kit), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-press-kit-{language}.zip"'
    # Each item in the archive was downloaded too.
    services.count_downloads(item_ids=[item.pk for item in kit.items])
    return _private_when_previewing(response, preview)


def _statement_for_press(request, campaign_slug, statement_slug):
    """The statement and whether the visitor previews it: one circulating before its
    launch is for those with the campaign's preview link (or staff) only."""
    statement = get_object_or_404(
        Statement.objects.public().select_related("campaign").prefetch_related("tiers", "concerns", "demands"),
        campaign__slug=campaign_slug, slug=statement_slug,
    )
    preview = selectors.has_preview(request, statement.campaign)
    if not (statement.is_announced or preview):
        raise Http404
    return statement, preview


@require_GET
def signed_letter(request, campaign_slug, statement_slug):
    statement, preview = _statement_for_press(request, campaign_slug, statement_slug)
    response = HttpResponse(build_signed_letter(statement), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slugify(statement.slug)}-signed-letter.pdf"'
    return _private_when_previewing(response, preview)


@require_GET
def publication_csv(request, campaign_slug, statement_slug):
    statement, preview = _statement_for_press(request, campaign_slug, statement_slug)
    response = StreamingHttpResponse(publication_csv_chunks(statement), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(statement.slug)}-signatories.csv"'
    return _private_when_previewing(response, preview)
