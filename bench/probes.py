"""Measurements that need no HTTP load, each run in its own process by bench/run.py.

    python -m bench.probes queries   # SQL queries per statement page, 10 vs 10,000 signatories
    python -m bench.probes export CAMPAIGN STATEMENT   # publication CSV of a statement: time and peak RSS
    python -m bench.probes document letter|zip|csv CAMPAIGN STATEMENT   # built as the worker builds it

Each prints one JSON object. ``DJANGO_SETTINGS_MODULE=bench.settings`` and the bench
database come from the environment.
"""

import json
import os
import resource
import sys
import tempfile
import time

import django


def _empty_caches():
    """The shared cache: what a page's first visit after a deploy finds. (A worker's own
    in-process copies are the statement page's business; this process starts without them.)"""
    from django.core.cache import cache

    cache.clear()


def _replace_card_image(campaign, name, content):
    """The image of ``campaign``'s press kit, its file in a media folder of this process's own
    (an image left by an earlier process points to a folder that is gone)."""
    from django.conf import settings
    from django.core.files.base import ContentFile

    from presskit.models import PressKitItem

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-media-")
    PressKitItem.objects.filter(campaign=campaign, kind=PressKitItem.Kind.IMAGE).delete()
    image = PressKitItem(campaign=campaign, kind=PressKitItem.Kind.IMAGE, title="Card", alt_text="A card")
    image.file.save(name, ContentFile(content), save=False)
    image.save()
    # The campaign's logo too, served by the site's identity image view.
    campaign.logo.save(name, ContentFile(content), save=False)
    type(campaign).objects.filter(pk=campaign.pk).update(logo=campaign.logo.name)


def _route_values(campaign_slug, statement_slug):
    """A value for every parameter of the public routes, for one campaign and statement of
    the seed; the tokens are real ones (a signer's, an invitee's, a journalist's), so each
    page shows what its holder sees. Names the token each route expects."""
    from campaigns.models import Campaign, Statement
    from mailings.models import Invitation
    from mailings.tokens import make_invitation_token, make_unsubscribe_token
    from presskit.models import PressKitItem, PreviewLink
    from signatories.models import SignOn
    from signatories.services import make_confirmation_token, make_management_token

    statement = Statement.objects.select_related("campaign").get(campaign__slug=campaign_slug, slug=statement_slug)
    campaign = statement.campaign
    sign_on = SignOn.objects.filter(statement=statement).visible().order_by("pk").first()
    invitation, _created = Invitation.objects.get_or_create(
        statement=statement,
        email=f"invitee@{campaign_slug}.example",
        defaults={"organization_name": "Invited Organization"},
    )
    _replace_card_image(campaign, "card.png", b"\x89PNG\r\n\x1a\n" + b"0" * 1024)
    management = make_management_token(sign_on)
    tokens = {
        "signatories:confirm": make_confirmation_token(sign_on),
        "signatories:manage": management,
        "privacy:signer_data": management,
        "privacy:signer_erase": management,
        "mailings:invitation": make_invitation_token(invitation),
        "mailings:unsubscribe": make_unsubscribe_token(invitation.email),
        "presskit:preview": PreviewLink.objects.filter(campaign=campaign).active().first().token,
    }
    values = {
        "campaign_slug": campaign.slug,
        "statement_slug": statement.slug,
        "action_slug": "write-to-your-delegation",
        # The downloads of the press release and of the image.
        "item_id": {
            "presskit:download": PressKitItem.objects.get(campaign=campaign, kind=PressKitItem.Kind.PRESS_RELEASE).pk,
            "presskit:image": PressKitItem.objects.filter(campaign=campaign, kind=PressKitItem.Kind.IMAGE).first().pk,
        },
        "language": "en",
        "image_name": Campaign.objects.get(pk=campaign.pk).logo.name.split("/", 1)[1],
    }
    return values, tokens


def queries():
    """Queries of every public page for an anonymous reader (its link holder, for the pages
    a private link opens), at 10 and at 10,000 signatories: the first visit, with every
    cache empty, and the next one.

    The pages are read from the URL configuration (``core.public_urls``), so a new
    public page is counted as soon as it exists. A page that only takes POSTs (the
    sign-on) is left out; one that answers anything but 200, a redirect or "being prepared"
    (a document the worker has not built yet) stops the probe.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import resolve

    from bench import seed
    from core.public_urls import fill_route, public_routes

    sizes = {"10": (seed.SMALL_CAMPAIGN_SLUG, seed.SMALL_SLUG), "10000": (seed.CAMPAIGN_SLUG, seed.PAGE_SLUG)}
    values_for = {label: _route_values(*slugs) for label, slugs in sizes.items()}
    pages = {}
    for route, _pattern in public_routes():
        if route.startswith("__bench__/"):
            continue
        counts = {}
        for label, (values, tokens) in values_for.items():
            # Which view a route names is known once it is filled: the token and item follow from it.
            probe_values = {**values, "token": "x", "item_id": 0}
            name = resolve(fill_route(route, probe_values)).view_name
            path = fill_route(
                route, {**values, "token": tokens.get(name, ""), "item_id": values["item_id"].get(name, 0)}
            )
            _empty_caches()
            client = Client(HTTP_HOST="127.0.0.1")
            visits = {}
            for visit in ("first", "next"):
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(path)
                    if response.streaming:
                        b"".join(response.streaming_content)
                if response.status_code == 405:
                    break
                # A document the worker has not built yet: "being prepared", 503 with Retry-After.
                being_prepared = response.status_code == 503 and response.has_header("Retry-After")
                if response.status_code not in (200, 301, 302) and not being_prepared:
                    raise RuntimeError(f"{path} answered {response.status_code}")
                visits[visit] = len(captured.captured_queries)
            if visits:
                counts[label] = visits
        if counts:
            pages["/" + route] = counts
    return pages


def export(campaign_slug, statement_slug):
    """Write the publication CSV of a statement to a file, as the admin action does."""
    from campaigns.models import Statement
    from signatories.exports import write_publication_csv

    statements = Statement.objects.filter(campaign__slug=campaign_slug, slug=statement_slug)
    with tempfile.NamedTemporaryFile("w", newline="", suffix=".csv", delete=False) as output:
        started = time.perf_counter()
        write_publication_csv(statements, output)
        seconds = time.perf_counter() - started
    with open(output.name, encoding="utf-8") as written:
        rows = sum(1 for _ in written) - 1
    size = os.path.getsize(output.name)
    os.unlink(output.name)
    return {"seconds": round(seconds, 3), "peak_rss_mb": _peak_rss_mb(), "rows": rows, "bytes": size}


def _peak_rss_mb():
    # ru_maxrss is in kilobytes on Linux: the peak of this whole process, Django included.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def document(kind, campaign_slug, statement_slug):
    """Build one document of a statement as the Celery worker does, in this fresh process:
    ``presskit.services.build_document``, the function the task ``build_document`` calls.

    ``kind``: ``letter`` (the signed letter, PDF), ``zip`` (the campaign's English press kit,
    with a 200 KB image added here, and the statement's letter and publication list inside)
    or ``csv`` (a staff member's export of the publication list, as the statement's export
    button asks for it). Files go to a media folder of this process's own, deleted after.
    Returns the build's seconds, the file's bytes and the process's peak RSS.
    """
    import shutil

    from django.conf import settings

    from accounts.models import User
    from bench import seed
    from campaigns.models import Statement
    from presskit import selectors, services
    from presskit.models import Document

    statement = Statement.objects.select_related("campaign").get(campaign__slug=campaign_slug, slug=statement_slug)
    # Builds asked for by earlier probes' requests (no worker ran them) would block this one.
    Document.objects.all().delete()
    _replace_card_image(statement.campaign, "card.jpg", os.urandom(200 * 1024))  # sets a fresh MEDIA_ROOT
    try:
        rss_before = _peak_rss_mb()
        started = time.perf_counter()
        if kind == "csv":
            requested = services.request_export(
                statements=[statement],
                kind=Document.Kind.PUBLICATION_LIST,
                file_format=Document.Format.CSV,
                by=User.objects.get(email=seed.STAFF_EMAIL),
            )
            built = services.build_document(document_id=requested.pk)
        elif kind == "letter":
            built = services.build_now(services.signed_letter_wanted(statement))
        else:
            kit = selectors.press_kit(statement.campaign, language="en", preview=False)
            built = services.build_now(services.press_kit_wanted(kit))
        seconds = time.perf_counter() - started
        if built is None or built.state != Document.State.READY:
            raise RuntimeError(f"the {kind} was not built: {getattr(built, 'problem', 'another build under way')}")
        size = built.file.size
    finally:
        # Its files go with the folder: no row may point to them (the server would fail to open them).
        Document.objects.all().delete()
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    return {"seconds": round(seconds, 3), "bytes": size, "peak_rss_mb": _peak_rss_mb(), "rss_before_mb": rss_before}


def inbox(limit):
    """Record sign-ons from the inbox the POST cases filled, as the Celery worker's drain does
    (``signatories.inbox.record_batch``, confirmation emails queued to Redis included),
    ``limit`` of them at most; the rest are left. Returns how many, the seconds, and the rate."""
    from signatories import inbox as sign_on_inbox
    from signatories.models import SignOnSubmission

    waiting = SignOnSubmission.objects.count()
    pending = list(SignOnSubmission.objects.order_by("pk").values_list("pk", flat=True)[: int(limit)])
    started = time.perf_counter()
    recorded = sum(
        sign_on_inbox.record_batch(pending[start : start + sign_on_inbox.BATCH_SIZE])[0]
        for start in range(0, len(pending), sign_on_inbox.BATCH_SIZE)
    )
    seconds = time.perf_counter() - started
    return {
        "waiting": waiting,
        "recorded": recorded,
        "seconds": round(seconds, 2),
        "per_second": round(recorded / seconds, 1) if seconds else None,
    }


PROBES = {"queries": queries, "export": export, "document": document, "inbox": inbox}


def main(argv):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    probe = PROBES[argv[1]]
    print(json.dumps(probe(*argv[2:])))


if __name__ == "__main__":
    main(sys.argv)
