from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from campaigns.models import Statement
from presskit import selectors, services
from presskit.models import Document, PreviewLink

# What a "being prepared" answer asks the browser (and a script) to wait before asking again.
RETRY_AFTER_SECONDS = 60


def _private_when_previewing(response, preview):
    # Embargoed bytes must never sit in a shared cache between the preview and the public.
    if preview:
        patch_cache_control(response, private=True, no_store=True)
    return response


def _document(request, wanted, *, preview, as_attachment=True, back_url=""):
    """The last finished file of ``wanted``, even while a newer one is being built. The request only asks for a
    build (of a missing or out-of-date file; debounced); the worker builds it. Never built yet: a page saying
    so, 503 with Retry-After (without a broker the build runs at once, and its file is served)."""
    document = Document.objects.latest_ready(wanted.target)
    if (document is None or document.version != wanted.version) and services.request_build(wanted):
        # Without a broker it was built at once (and replaced the one read above).
        document = Document.objects.latest_ready(wanted.target)
    try:
        opened = document.file.open("rb") if document else None
    except FileNotFoundError:
        # A newer build finished between the two lines above and deleted this one: serve that.
        document = Document.objects.latest_ready(wanted.target)
        opened = document.file.open("rb") if document else None
    if document is None:
        response = render(
            request, "presskit/document_pending.html", {"filename": wanted.filename, "back_url": back_url}, status=503
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        # An expected answer, not a server error: kept out of the error log (and the error reports).
        response._has_been_logged = True
        return response
    response = FileResponse(
        opened, as_attachment=as_attachment, filename=document.filename, content_type=document.content_type
    )
    return _private_when_previewing(response, preview)


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
    response = _document(
        request,
        services.press_kit_wanted(kit),
        preview=preview,
        back_url=reverse("presskit:press_kit", kwargs={"campaign_slug": campaign.slug}),
    )
    if response.status_code == 200:
        # Each item in the archive was downloaded too.
        services.count_downloads(item_ids=[item.pk for item in kit.items])
    return response


def _statement_for_press(request, campaign_slug, statement_slug):
    """The statement and whether the visitor previews it: one circulating before its
    launch is for those with the campaign's preview link (or staff) only."""
    statement = get_object_or_404(
        Statement.objects.public().select_related("campaign").prefetch_related("tiers", "concerns", "demands"),
        campaign__slug=campaign_slug,
        slug=statement_slug,
    )
    preview = selectors.has_preview(request, statement.campaign)
    if not (statement.is_announced or preview):
        raise Http404
    return statement, preview


@require_GET
def signed_letter(request, campaign_slug, statement_slug):
    statement, preview = _statement_for_press(request, campaign_slug, statement_slug)
    return _document(
        request,
        services.signed_letter_wanted(statement),
        preview=preview,
        as_attachment=False,
        back_url=statement.get_absolute_url(),
    )


@require_GET
def publication_csv(request, campaign_slug, statement_slug):
    statement, preview = _statement_for_press(request, campaign_slug, statement_slug)
    return _document(
        request, services.publication_list_wanted(statement), preview=preview, back_url=statement.get_absolute_url()
    )
