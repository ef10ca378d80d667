"""The public statement page, the most read page of the site.

Readers without an account all get the same page but for two values: the CSRF token
and the sign-on forms' stamp (core.spam_protection); and, for a reader who came through
a partner's link (``?via=<code>``), that partner's fields in the forms. So:

- the page is rendered once per *version* and language into Django's cache, with
  placeholders for those two values (``cached_page``);
- the version (``page_version``) is one query that names everything the page shows,
  listed in ``VERSIONED_MODELS``: the statement's row (saving it, a concern, a demand
  or a tier moves its ``updated_at``: campaigns.signals), its campaign's row, the
  public list's version (``signatories.selectors.signatory_list_version``), whether it
  accepts sign-ons now, the language and the release. tests/test_statement_page_cache.py
  fails when the page reads a table that is not in ``VERSIONED_MODELS``;
- a page out of date is rendered again by the Celery worker (``refresh_cached_page``),
  asked for by the first reader to notice (a lock in the cache), while every reader
  goes on getting the previous version: approving sign-ons one after the other
  renders once per change at most, in one process, never in a web worker; on a large
  list, at most half the time. The figures of the list are read once per version
  for every language (``signatories.selectors.signatory_summary``);
- each worker compresses a version once and splices the two values into every
  response (core.spliced_gzip), and reads the version at most once per
  ``STATEMENT_PAGE_FRESH_SECONDS``: a reader sees a change a second later at most;
- a reader who came through a partner's link gets the same page, with the partner's
  code and its "may contact me" box spliced into each form (``_referral_values``): one
  query for the partner, only when the address has a ``via``.

The page names the first signatories of each section and counts the rest
(``signatories.selectors.signatory_summary``): its size and cost do not grow with the
number of signatories. The whole list is browsed and searched in pages
(``signatory_list``).
"""

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import InvalidPage
from django.db.models import F, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django_countries import countries

from accounts import roles
from accounts.selectors import approved_organizations_for
from advocacy.celery import app as celery_app
from campaigns.models import Campaign, CampaignPartner, Concern, Demand, Statement, Tier
from core.caching import cache_call, release
from core.queueing import queue
from core.spam_protection import FORM_STAMP_PLACEHOLDER, STAMP_FIELD, issue_form_stamp
from core.spliced_gzip import SplicedPage
from outreach.models import DemandStatusUpdate, Target
from outreach.selectors import demands_tracker, has_demands_tracker
from outreach.sharing import statement_share
from public_site.forms.accounts import prefilled_sign_on_form
from public_site.forms.outreach import MastodonForm
from public_site.forms.signatories import IndividualSignOnForm, OrganizationSignOnForm, ReferralFields
from public_site.letter_contents import letter_with_contents
from signatories.models import Signatory, SignOn
from signatories.selectors import signatory_list_page, signatory_list_version, signatory_summary

# What the anonymous page shows comes from these models only; ``page_version`` moves
# when any of them changes. A test renders the page and fails on any other table.
# The demands tracker's entries and targets move their statements' ``updated_at`` (outreach/signals.py).
VERSIONED_MODELS = (
    Statement,
    Campaign,
    CampaignPartner,
    Concern,
    Demand,
    Tier,
    SignOn,
    Signatory,
    DemandStatusUpdate,
    Target,
)
# A rendered version stays in the cache this long; a new version replaces it sooner.
PAGE_CACHE_SECONDS = 24 * 3600
# Changes made without save() (a queryset update, SQL in a shell) move no version: a page
# this old is rendered again, which bounds how long such a change waits.
RENDER_AGAIN_AFTER_SECONDS = 600
# How long the worker may take to render a version before another reader asks again.
RENDER_LOCK_SECONDS = 120
# Stands for the CSRF token in the cached page; replaced by the reader's own token.
CSRF_TOKEN_PLACEHOLDER = "csrf-token-placeholder-6f1d0c2a"
# Stand for the fields of a partner's link in each sign-on form, by the form's prefix; replaced by
# them for a reader who came through one, by nothing for everyone else.
REFERRAL_FIELDS_PLACEHOLDERS = {
    "organization": "referral-fields-placeholder-organization-9b2e",
    "individual": "referral-fields-placeholder-individual-9b2e",
}
_SLOTS = (
    CSRF_TOKEN_PLACEHOLDER.encode(),
    FORM_STAMP_PLACEHOLDER.encode(),
    *(placeholder.encode() for placeholder in REFERRAL_FIELDS_PLACEHOLDERS.values()),
)
_NO_REFERRAL = {placeholder.encode(): b"" for placeholder in REFERRAL_FIELDS_PLACEHOLDERS.values()}


def get_statement_for_page(request, campaign_slug, statement_slug):
    """The statement at this address, with its campaign; drafts only for the staff of its campaign (preview)."""
    # With the version of its list, which what is cached about the list is keyed on.
    # And whether it has a demands tracker: a statement without one costs no query for it.
    statements = Statement.objects.select_related("campaign").annotate(
        signatory_list_version=signatory_list_version(), has_demands_tracker=has_demands_tracker()
    )
    if not request.user.is_staff:
        return get_object_or_404(statements.public(), campaign__slug=campaign_slug, slug=statement_slug)
    statement = get_object_or_404(statements, campaign__slug=campaign_slug, slug=statement_slug)
    if statement.state == Statement.State.DRAFT and not roles.works_on(request.user, statement.campaign_id):
        raise Http404
    return statement


# Per worker, by address: (time.monotonic() of the check, page version, statement) of the public
# statements it recorded sign-ons for.
_statements_for_sign_on = {}


def get_statement_for_sign_on(request, campaign_slug, statement_slug):
    """The statement at this address with its tiers, to record a sign-on of.

    Loading a statement, its fifty translated fields and its tiers, cost as much as the
    rest of a sign-on, so a worker keeps the public statement it loaded while its page
    version is unchanged, checked at most once per ``STATEMENT_PAGE_FRESH_SECONDS``.
    Callers must not change it: the next sign-on gets the same object.
    """
    key = (campaign_slug, statement_slug)
    remembered = None if request.user.is_staff else _statements_for_sign_on.get(key)
    now = time.monotonic()
    if remembered is not None and now - remembered[0] < settings.STATEMENT_PAGE_FRESH_SECONDS:
        return remembered[2]
    found = None if request.user.is_staff else page_version(campaign_slug, statement_slug)
    if remembered is not None and found is not None and remembered[1] == found[1]:
        _statements_for_sign_on[key] = (now, *remembered[1:])
        return remembered[2]
    statement = get_statement_for_page(request, campaign_slug, statement_slug)
    prefetch_related_objects([statement], "tiers")
    if found is not None:
        _remember(_statements_for_sign_on, key, (now, found[1], statement))
    return statement


def referring_partner(code, campaign_slug) -> CampaignPartner | None:
    """The partner of this campaign whose link carries ``code`` (from ``?via=`` or the form), or None:
    an unknown code, or another campaign's partner's, is ignored. No query without a code."""
    if not code:
        return None
    return CampaignPartner.objects.with_code(code, campaign_slug=campaign_slug).only("pk", "code", "name").first()


def render_statement_page(
    request,
    statement,
    *,
    organization_form=None,
    individual_form=None,
    extra_context=None,
    status=200,
    shared=False,
    partner=None,
):
    """The statement page as this request sees it: with its forms (sent back with errors, filled in for
    an invitee or a representative) or empty ones, carrying ``partner``'s code if the reader came through
    its link. ``shared``: the anonymous readers' page, with placeholders for the CSRF token, the forms'
    stamp and the fields of a partner's link."""
    prefetch_related_objects([statement], "concerns", "demands", "tiers")
    # One query for the partners, however often the page's band and its includes name them.
    prefetch_related_objects([statement.campaign], "partners")
    accepting_sign_ons = statement.is_accepting_sign_ons()
    # A published statement has authors, not signatories: nothing to count.
    signatories = signatory_summary(statement) if statement.takes_sign_ons else None
    tracker = demands_tracker(statement)
    context = {
        "campaign": statement.campaign,
        "statement": statement,
        "signatories": signatories,
        "demands_tracker": tracker,
        "letter": letter_with_contents(
            statement, signatories=signatories, demands_tracker=tracker, accepting_sign_ons=accepting_sign_ons
        ),
        "accepting_sign_ons": accepting_sign_ons,
        # Share links (plain links, no script): once announced, not while it circulates privately.
        "share": statement_share(statement, site_url=settings.SITE_URL) if statement.is_announced else None,
        "mastodon_form": MastodonForm(),
        **(extra_context or {}),
    }
    initial = None
    if shared:
        context["csrf_token"] = CSRF_TOKEN_PLACEHOLDER
        context["referral_placeholders"] = REFERRAL_FIELDS_PLACEHOLDERS
        initial = {STAMP_FIELD: FORM_STAMP_PLACEHOLDER}
    if accepting_sign_ons:
        context["organization_form"] = organization_form or OrganizationSignOnForm(
            statement=statement, initial=initial, partner=partner
        )
        context["individual_form"] = individual_form or IndividualSignOnForm(
            statement=statement, initial=initial, partner=partner
        )
    return render(request, "campaigns/statement_detail.html", context, status=status)


# --- The shared page of anonymous readers ---------------------------------------------


def page_version(campaign_slug, statement_slug):
    """(statement id, a value naming everything the anonymous page shows), or None if nothing is public here."""
    rows = (
        Statement.objects.public()
        .filter(campaign__slug=campaign_slug, slug=statement_slug)
        .annotate(campaign_updated_at=F("campaign__updated_at"), list_version=signatory_list_version())
        .values_list(
            "pk",
            "updated_at",
            "campaign_updated_at",
            "list_version",
            "state",
            "sign_on_deadline",
            "accepts_late_sign_ons",
            "kind",
        )[:1]
    )
    if not rows:
        return None
    pk, updated_at, campaign_updated_at, list_version, state, deadline, accepts_late, kind = rows[0]
    # Worked out now, not read: a deadline passes without a save.
    accepting = Statement.accepts_sign_ons(state, deadline, accepts_late, kind=kind)
    return pk, (updated_at, campaign_updated_at, list_version, accepting, get_language(), release())


def _anonymous_request(path):
    """A request for ``path`` by a reader without an account, to render the shared page with."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.user = AnonymousUser()
    return request


def _page_key(statement_pk):
    return f"statement-page:{statement_pk}:{get_language()}"


def render_into_cache(statement, version):
    """Render the anonymous page of ``statement`` in the active language and cache it as ``version``."""
    html = render_statement_page(_anonymous_request(statement.get_absolute_url()), statement, shared=True)
    entry = CachedPage(version, html.content.decode(), time.time())
    cache_call("set", _page_key(statement.pk), entry, PAGE_CACHE_SECONDS)
    return entry


def refresh_cached_page(campaign_slug, statement_slug):
    """Render the page at this address again if its cached version is out of date (public_site.tasks).

    The lock taken by the reader who asked is held after the render for as long as it
    took: on a large list under a stream of moderation, renders take at most half the
    time of one process.
    """
    found = page_version(campaign_slug, statement_slug)
    if found is None:
        return
    statement_pk, version = found
    lock = f"{_page_key(statement_pk)}:rendering"
    started = time.monotonic()
    try:
        entry = cache_call("get", _page_key(statement_pk))
        if entry is None or not entry.is_current(version):
            statement = Statement.objects.select_related("campaign").get(pk=statement_pk)
            render_into_cache(statement, version)
    finally:
        hold = 0 if celery_app.conf.task_always_eager else time.monotonic() - started
        if hold >= 1:
            cache_call("set", lock, True, math.ceil(hold))
        else:
            cache_call("delete", lock)


def cached_page(request, campaign_slug, statement_slug, statement_pk, version):
    """``CachedPage`` of the anonymous page at this address: this version if it is in the cache; else
    rendered here the first time, or the previous one while the worker renders this one."""
    entry = cache_call("get", _page_key(statement_pk))
    if entry is not None and entry.is_current(version):
        return entry
    if entry is None:
        statement = get_statement_for_page(request, campaign_slug, statement_slug)
        return render_into_cache(statement, version)
    if cache_call("add", f"{_page_key(statement_pk)}:rendering", True, RENDER_LOCK_SECONDS) is not False:
        # Queued by name: public_site.tasks imports this module.
        if not queue("public_site.tasks.render_statement_page", campaign_slug, statement_slug, get_language()):
            refresh_cached_page(campaign_slug, statement_slug)  # no broker: rendered here
        # Without a worker (the embedded default) the task has just run: its page is the one to serve.
        entry = cache_call("get", _page_key(statement_pk)) or entry
    return entry


@dataclass(frozen=True)
class CachedPage:
    version: tuple
    html: str
    rendered_at: float  # time.time()

    def is_current(self, version):
        """Of ``version``, and not so old that a change made without save() (a queryset update, SQL) may be
        missing from it."""
        return self.version == version and time.time() - self.rendered_at < RENDER_AGAIN_AFTER_SECONDS


@dataclass
class _Served:
    checked_at: float  # time.monotonic() when its version was last compared with the database's
    cached: CachedPage
    page: SplicedPage


# Per worker, by (path, language): the page it serves, compressed (see _remember).
_served = {}
_MEMO_LIMIT = 512


def _shared_page(request, campaign_slug, statement_slug):
    key = (request.path, get_language())
    served = _served.get(key)
    now = time.monotonic()
    if served is not None and now - served.checked_at < settings.STATEMENT_PAGE_FRESH_SECONDS:
        return served.page
    found = page_version(campaign_slug, statement_slug)
    if found is None:
        _served.pop(key, None)
        raise Http404
    statement_pk, version = found
    if served is None or not served.cached.is_current(version):
        cached = cached_page(request, campaign_slug, statement_slug, statement_pk, version)
        if served is None or cached != served.cached:
            served = _Served(now, cached, SplicedPage(cached.html.encode(), _SLOTS))
    served.checked_at = now
    _remember(_served, key, served)
    return served.page


def _remember(memo, key, value):
    """``memo[key] = value`` in a per-worker dict bounded by the number of public statements and languages:
    cleared if it ever grows past _MEMO_LIMIT."""
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = value


def _is_anonymous_reader(request):
    """Someone without a session or pending messages reading the page: they get the shared page.

    The query string does not matter (but ``via``, whose fields are spliced in: ``_referral_values``).
    """
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def serve_statement_page(request, campaign_slug, statement_slug):
    """The statement page: the shared page for anonymous readers, rendered for everyone else."""
    if not _is_anonymous_reader(request):
        statement = get_statement_for_page(request, campaign_slug, statement_slug)
        partner = referring_partner(request.GET.get("via"), campaign_slug)
        return render_statement_page(
            request, statement, organization_form=_representative_form(request, statement, partner), partner=partner
        )
    page = _shared_page(request, campaign_slug, statement_slug)
    values = dict(zip(_SLOTS, (get_token(request).encode(), issue_form_stamp().encode())))
    values |= _referral_values(request, campaign_slug)
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(page.gzip(values))
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(page.plain(values))
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def _referral_values(request, campaign_slug) -> dict:
    """The fields of a partner's link for each form of the shared page: the partner's code and its
    "may contact me" box if the reader came through its link, nothing otherwise."""
    partner = referring_partner(request.GET.get("via"), campaign_slug)
    if partner is None:
        return _NO_REFERRAL
    return {
        placeholder.encode(): render_to_string("_form.html", {"form": ReferralFields(partner=partner, prefix=prefix)})
        .strip()
        .encode()
        for prefix, placeholder in REFERRAL_FIELDS_PLACEHOLDERS.items()
    }


def _representative_form(request, statement, partner=None):
    """For a signed-in representative: the organization form filled in from its profile (``?as=`` picks one)."""
    if not request.user.is_authenticated or not statement.is_accepting_sign_ons():
        return None
    organizations = approved_organizations_for(request.user)
    chosen = [org for org in organizations if str(org.pk) == request.GET.get("as")] or organizations[:1]
    if not chosen:
        return None
    return prefilled_sign_on_form(user=request.user, organization=chosen[0], statement=statement, partner=partner)


# --- The whole list, in pages ------------------------------------------------------------


def signatory_list(request, campaign_slug, statement_slug):
    """Every named signatory of a statement, a page at a time, narrowed by section, name or country."""
    statement = get_statement_for_page(request, campaign_slug, statement_slug)
    if not statement.is_announced or not statement.takes_sign_ons:
        raise Http404  # who signed is published at the launch; a published statement has no signatories
    section, name, country = (request.GET.get(field, "").strip() for field in ("section", "name", "country"))
    try:
        listing = signatory_list_page(
            statement,
            section=section,
            name=name[:100],
            country=country[:2].upper(),
            number=request.GET.get("page") or 1,
        )
    except InvalidPage:
        raise Http404 from None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "campaigns/signatory_list.html",
        {
            "campaign": statement.campaign,
            "statement": statement,
            "listing": listing,
            "name": name,
            "country": country.upper(),
            "countries": list(countries),
            "query": query.urlencode(),
        },
    )
