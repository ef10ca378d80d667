"""The public statement page and its caches.

The page is the most read of the site and, on a large statement, the costliest to
render: its signatory list and sign-on forms are cached here under keys that name
what they show (docs/benchmarks.md explains the design and its bounds).
"""

import datetime
import functools
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import F, prefetch_related_objects
from django.middleware.csrf import get_token
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from accounts import roles
from accounts.forms import prefilled_sign_on_form
from accounts.selectors import approved_organizations_for
from advocacy.caching import cache_call
from advocacy.spam_protection import FORM_STAMP_PLACEHOLDER, STAMP_FIELD, issue_form_stamp
from signatories.forms import IndividualSignOnForm, OrganizationSignOnForm
from signatories.selectors import public_signatory_list, public_signatory_list_version, signatory_list_version

from .compressed_page import PageWithSlots, accepts_gzip
from .models import Statement

logger = logging.getLogger(__name__)


def get_statement_for_page(request, campaign_slug, statement_slug):
    """The statement at this address, with its campaign; drafts only for staff (preview).

    What only its page shows (concerns, demands, tiers) is loaded by
    ``render_statement_page``: a sign-on that succeeds is answered with a redirect
    and needs none of it.
    """
    if not request.user.is_staff:
        return get_object_or_404(
            Statement.objects.public().select_related("campaign"), campaign__slug=campaign_slug, slug=statement_slug
        )
    statement = get_object_or_404(
        Statement.objects.select_related("campaign"), campaign__slug=campaign_slug, slug=statement_slug
    )
    # Staff preview their own campaigns' drafts, not every campaign's.
    if statement.state == Statement.State.DRAFT and not roles.works_on(request.user, statement.campaign_id):
        raise Http404
    return statement


# --- The statement page, cached -----------------------------------------------------
#
# The signatory list (10,000 entries on a large statement) and the sign-on forms (two
# country menus of 250 entries) cost far more to render than the rest of the page;
# anonymous readers, most visitors, all get the same page but for the CSRF token.
# All three are cached under a key that names what they show, so a change is a new
# key, never a stale entry. docs/benchmarks.md explains the design and its bounds.

# Shared cache (Redis under REDIS_URL) entries of the signatory list live this long.
# Correctness does not depend on it: keys change when the list changes. It bounds
# the life of entries rendered by an older release (templates, translations).
SIGNATORY_LIST_CACHE_SECONDS = 600
# Per-worker copies of recent fragments, so a hit costs no cache round trip.
LOCAL_FRAGMENTS = 32
# Every change the page shows moves a cache key: sign-ons and signatory profiles move
# the list's version, the statement and its concerns, demands and tiers its
# updated_at (signals in both apps catch saves and deletions). A change made without
# save() (a queryset update, SQL in a shell) moves nothing: a list and a page are
# rendered again once they are this old, which bounds how long such a change waits.
# One worker renders it again while the others go on serving the old one.
RENDER_AGAIN_AFTER_SECONDS = 600
# While another worker renders a due list, a worker looks for the new one this often,
# not on every request.
RETRY_DUE_SECONDS = 1.0


class _LocalFragments:
    """A small per-process LRU of rendered fragments and pages, keyed by what they show.

    A key names the version of the content, so what is under a key never becomes
    wrong; only changes made without save() need the time bound of RENDER_AGAIN_AFTER_SECONDS.
    """

    def __init__(self, size):
        self.size = size
        self.items = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def set(self, key, value):
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self):
        with self.lock:
            self.items.clear()


local_fragments = _LocalFragments(LOCAL_FRAGMENTS)


@dataclass(frozen=True)
class SignatoryListFragment:
    html: SafeString
    total_count: int
    # time.time() of the rendering: see RENDER_AGAIN_AFTER_SECONDS.
    rendered_at: float

    def is_due(self, now=None):
        """Old enough that a change made without save() may be missing: time to render it again."""
        return (now or time.time()) - self.rendered_at >= RENDER_AGAIN_AFTER_SECONDS


def _tiers_signature(statement):
    return tuple((t.pk, t.position, t.name, t.is_default, t.is_requestable) for t in statement.tiers.all())


_template_fingerprints = {}


def _template_fingerprint(name):
    """A digest of a template's source, so that a release that changes it uses new cache keys."""
    if name not in _template_fingerprints:
        source = get_template(name).template.source
        _template_fingerprints[name] = hashlib.sha256(source.encode()).hexdigest()[:12]
    return _template_fingerprints[name]


def signatory_entry_html(sign_on) -> str:
    """One entry of the public signatory list, as HTML.

    Written in Python rather than in the template: a statement with 10,000
    signatories renders it 10,000 times per cache fill, about thirty times faster so.
    """
    signatory = sign_on.signatory
    if signatory.is_organization:
        html = f'<li><span class="signatory-name">{escape(signatory.display_name)}</span>'
    else:
        html = f'<li><span class="signatory-name">{escape(signatory.name)}</span>'
        if signatory.title:
            html += f", {escape(signatory.title)}"
        if signatory.affiliation:
            html += f", {escape(signatory.affiliation)}"
    if sign_on.shows_country and signatory.country:
        html += f' <span class="country">— {escape(signatory.country.name)}</span>'
    return html + "</li>\n"


def render_signatory_list(statement) -> SignatoryListFragment:
    signatories = public_signatory_list(statement)
    sections = [
        (section, mark_safe("".join(signatory_entry_html(sign_on) for sign_on in section.sign_ons)))
        for section in signatories.sections
    ]
    html = render_to_string(
        "signatories/_signatory_list.html", {"signatories": signatories, "sections": sections}
    )
    return SignatoryListFragment(html=mark_safe(html), total_count=signatories.total_count, rendered_at=time.time())


def signatory_list_cache_key(statement) -> str:
    """Names everything the list fragment of ``statement`` shows; one query.

    The version of its sign-ons (``public_signatory_list_version``), the
    statement's state, publication time and tiers (loaded with the statement), the
    language and the template. Signatory profiles move the version too (a receiver in
    ``signatories.signals``); changes made without save(): see ``RENDER_AGAIN_AFTER_SECONDS``.
    """
    digest = hashlib.sha256(
        repr(
            (
                public_signatory_list_version(statement),
                statement.updated_at,
                statement.state,
                statement.published_at,
                _tiers_signature(statement),
                _template_fingerprint("signatories/_signatory_list.html"),
            )
        ).encode()
    ).hexdigest()[:32]
    return f"statement-signatory-list:{statement.pk}:{get_language()}:{digest}"


def signatory_list_fragment(statement) -> SignatoryListFragment:
    """The rendered public signatory list of ``statement`` in the active language, from the cache.

    A change to the sign-ons, the statement or its tiers is a change of the key
    (``signatory_list_cache_key``): the next request renders the new list, and
    nothing ever has to be deleted from the cache. A list older than
    ``RENDER_AGAIN_AFTER_SECONDS`` is rendered again by one worker (a short lock in
    the cache) while the others serve it a moment longer, so that big lists are not
    rendered by every worker at once. Only public data is in the fragment: unlisted
    sign-ons are counted, never named.
    """
    key = signatory_list_cache_key(statement)
    fragment = local_fragments.get(key)
    looked_at = _due_checked_at.get(key) or 0
    if fragment is not None and fragment.is_due() and time.time() - looked_at < RETRY_DUE_SECONDS:
        return fragment  # another worker is rendering it: asked less than a second ago
    if fragment is None or fragment.is_due():
        _due_checked_at.set(key, time.time())
        shared = cache_call("get", key)
        if shared is not None and (fragment is None or shared.rendered_at > fragment.rendered_at):
            fragment = shared
        if fragment is None or (fragment.is_due() and cache_call("add", f"{key}:rendering", True, 60) is not False):
            fragment = render_signatory_list(statement)
            cache_call("set", key, fragment, SIGNATORY_LIST_CACHE_SECONDS)
            cache_call("delete", f"{key}:rendering")
        local_fragments.set(key, fragment)
    return fragment


# When this worker last looked for a newer copy of a due list, by key.
_due_checked_at = _LocalFragments(LOCAL_FRAGMENTS)


# Stands for the CSRF token in cached form HTML; replaced by the visitor's own token.
CSRF_TOKEN_PLACEHOLDER = "csrf-token-placeholder-6f1d0c2a"


def sign_on_forms_html(statement, csrf_token, form_stamp) -> SafeString:
    """The empty sign-on forms of ``statement``, rendered once per worker and language.

    They depend only on the statement, its tiers and the language, except for the
    CSRF token and the time the form was shown (the spam check's stamp), put in per
    request. Kept per process (not in the shared cache): a
    new release starts new processes, so its form changes show at once.
    """
    key = (
        "sign-on-forms", statement.pk, statement.slug, statement.campaign.slug, statement.updated_at,
        _tiers_signature(statement), get_language(),
    )
    html = local_fragments.get(key)
    if html is None:
        placeholder_stamp = {STAMP_FIELD: FORM_STAMP_PLACEHOLDER}
        html = render_to_string(
            "signatories/_sign_on_forms.html",
            {
                "campaign": statement.campaign,
                "statement": statement,
                "organization_form": OrganizationSignOnForm(statement=statement, initial=placeholder_stamp),
                "individual_form": IndividualSignOnForm(statement=statement, initial=placeholder_stamp),
                "csrf_token": CSRF_TOKEN_PLACEHOLDER,
            },
        )
        local_fragments.set(key, html)
    return mark_safe(html.replace(CSRF_TOKEN_PLACEHOLDER, csrf_token).replace(FORM_STAMP_PLACEHOLDER, form_stamp))


def render_statement_page(
    request, statement, *, organization_form=None, individual_form=None, extra_context=None, status=200,
    csrf_token=None, form_stamp=None, signatories=None,
):
    """The statement page. With ``csrf_token`` and ``form_stamp``, those values stand for the
    CSRF token and the forms' spam-check stamp (see ``serve_statement_page``)."""
    prefetch_related_objects([statement], "concerns", "demands", "tiers")
    signatories = signatories or signatory_list_fragment(statement)
    accepting_sign_ons = statement.is_accepting_sign_ons()
    context = {
        "campaign": statement.campaign,
        "statement": statement,
        "signatories": signatories,
        "accepting_sign_ons": accepting_sign_ons,
        **(extra_context or {}),
    }
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    if not accepting_sign_ons:
        return render(request, "campaigns/statement_detail.html", context, status=status)
    if organization_form is None and individual_form is None and not extra_context:
        # The usual visit: empty forms, the same for everyone but the CSRF token.
        context["sign_on_forms_html"] = sign_on_forms_html(
            statement, csrf_token or get_token(request), form_stamp or issue_form_stamp()
        )
    else:
        # A form sent back with its errors, or filled in for an invitee.
        context["organization_form"] = organization_form or OrganizationSignOnForm(statement=statement)
        context["individual_form"] = individual_form or IndividualSignOnForm(statement=statement)
    return render(request, "campaigns/statement_detail.html", context, status=status)


# --- Whole pages for anonymous readers ----------------------------------------------
#
# Every anonymous reader gets the same page but for the CSRF token. A worker keeps
# the pages it rendered, keyed by what decides their content; each request reads that
# key in one query (statement_page_key) instead of rendering the page again.

local_pages = _LocalFragments(16)


def _is_anonymous_reader(request):
    """A plain GET from someone without a session or pending messages: they see the shared page."""
    return (
        request.method == "GET"
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


# Stand for the slugs while the page-key query is compiled (see _page_key_query).
_CAMPAIGN_SLUG_PARAM = "\x00campaign-slug"
_STATEMENT_SLUG_PARAM = "\x00statement-slug"


@functools.cache
def _page_key_query():
    """The SQL of the page-key query and where the slugs go in its parameters.

    Compiled once per process, and its row read as a plain tuple: on the hot path of
    the most read page, building the query with the ORM and a model from its row
    cost more than PostgreSQL takes to answer it.
    """
    queryset = (
        Statement.objects.public()
        .filter(campaign__slug=_CAMPAIGN_SLUG_PARAM, slug=_STATEMENT_SLUG_PARAM)
        .annotate(campaign_updated_at=F("campaign__updated_at"), signatory_list_version=signatory_list_version())
        .order_by()  # slugs are unique per campaign: at most one row, nothing to sort
        .values_list(*_PAGE_KEY_COLUMNS)
    )[:1]
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params), params.index(_CAMPAIGN_SLUG_PARAM), params.index(_STATEMENT_SLUG_PARAM)


_PAGE_KEY_COLUMNS = (
    "pk", "updated_at", "state", "sign_on_deadline", "accepts_late_sign_ons", "campaign_updated_at",
    "signatory_list_version",
)


# Per worker: the page-key rows read in the last STATEMENT_PAGE_FRESH_SECONDS, by address.
_page_key_rows = _LocalFragments(64)


def _read_page_key_row(campaign_slug, statement_slug):
    """The columns of _PAGE_KEY_COLUMNS for the public statement at this address, or None."""
    sql, params, campaign_index, statement_index = _page_key_query()
    params = list(params)
    params[campaign_index] = campaign_slug
    params[statement_index] = statement_slug
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        # Each column is named (AS "..."); the ORM picks their order, not values_list.
        names = [column[0] for column in cursor.description]
    return None if row is None else tuple(row[names.index(column)] for column in _PAGE_KEY_COLUMNS)


def _as_datetime(value):
    """A datetime read with a plain cursor: PostgreSQL gives an aware one, SQLite a naive one in UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.timezone.utc)
    return value


def _fresh_page_key_row(campaign_slug, statement_slug):
    """The page-key row at this address, read at most once per STATEMENT_PAGE_FRESH_SECONDS per worker."""
    remembered = _page_key_rows.get((campaign_slug, statement_slug))
    if remembered is not None and time.monotonic() - remembered[0] < settings.STATEMENT_PAGE_FRESH_SECONDS:
        return remembered[1]
    row = _read_page_key_row(campaign_slug, statement_slug)
    _page_key_rows.set((campaign_slug, statement_slug), (time.monotonic(), row))
    return row


# Per worker: public statements loaded for sign-ons, by what their row says of them.
_statements_for_sign_on = _LocalFragments(16)


def get_statement_for_sign_on(request, campaign_slug, statement_slug):
    """The statement at this address, with its campaign and tiers, to record a sign-on of.

    A public statement is loaded once per worker and version: the object is kept under
    its page-key row but the list's version (its id, state, deadline and the
    ``updated_at`` of its row and its campaign's; saving the statement, a concern, a
    demand or a tier moves that), read at most once per
    ``STATEMENT_PAGE_FRESH_SECONDS``. Loading it, with its fifty translated fields and
    its tiers, cost a quarter of a sign-on. Whether it accepts sign-ons is worked out
    on every call (a deadline passes without a save). Callers must not change the
    object: the next sign-on gets the same one.

    Anything else (a draft a staff member previews, no such statement) is looked up
    as for its page.
    """
    row = None if request.user.is_staff else _fresh_page_key_row(campaign_slug, statement_slug)
    version = None if row is None else row[:-1]  # not the list's version, which a sign-on does not read
    statement = None if version is None else _statements_for_sign_on.get(version)
    if statement is None:
        statement = get_statement_for_page(request, campaign_slug, statement_slug)
        prefetch_related_objects([statement], "tiers")
        if version is not None:
            _statements_for_sign_on.set(version, statement)
    return statement


def statement_page_key(request, campaign_slug, statement_slug):
    """What decides the content of the anonymous page at this address, and the list's version in it.

    ``(None, None)`` when there is no public statement at this address.

    One query: the statement's row (its ``updated_at`` moves with every save in the
    admin, concerns, demands and tiers included, as they are edited inline), its
    campaign's ``updated_at`` and the version of its signatory list. Whether it
    accepts sign-ons is worked out now, because a deadline passes without a save.

    The row is read at most once per ``STATEMENT_PAGE_FRESH_SECONDS`` (1 s) per
    worker and address: at hundreds of views a second, the query was most of the
    cost of a view, and a reader sees a change a second later at most.
    """
    row = _fresh_page_key_row(campaign_slug, statement_slug)
    if row is None:
        return None, None
    pk, updated_at, state, sign_on_deadline, accepts_late_sign_ons, campaign_updated_at, list_version = row
    # Not Statement(...).is_accepting_sign_ons(): a model instance with its fifty translated
    # fields cost more than the rest of the view.
    accepting = Statement.accepts_sign_ons(state, _as_datetime(sign_on_deadline), accepts_late_sign_ons)
    key = (request.path, get_language(), pk, updated_at, campaign_updated_at, accepting, list_version)
    # As the ORM reads it elsewhere, so that both paths name a list with the same cache key.
    return key, _as_datetime(list_version)


def serve_statement_page(request, campaign_slug, statement_slug):
    """The statement page: the shared page for anonymous readers, rendered for everyone else."""
    if not _is_anonymous_reader(request):
        statement = get_statement_for_page(request, campaign_slug, statement_slug)
        return render_statement_page(request, statement, organization_form=_representative_form(request, statement))
    key, list_version = statement_page_key(request, campaign_slug, statement_slug)
    page = local_pages.get(key) if key is not None else None
    if page is None or page.is_due():
        # Rendered after the key was read: the page is at least as new as its key says.
        statement = get_statement_for_page(request, campaign_slug, statement_slug)
        if key is not None:
            # As read for the key: saves asking again (see public_signatory_list_version).
            statement.signatory_list_version = list_version
        prefetch_related_objects([statement], "tiers")
        signatories = signatory_list_fragment(statement)
        content = render_statement_page(
            request, statement, csrf_token=CSRF_TOKEN_PLACEHOLDER, form_stamp=FORM_STAMP_PLACEHOLDER,
            signatories=signatories,
        ).content
        # As old as its signatory list, so that it is rendered again when the list is.
        page = _Page(content, rendered_at=signatories.rendered_at)
        if key is not None:
            local_pages.set(key, page)
    per_response = {_CSRF_SLOT: get_token(request).encode(), _STAMP_SLOT: issue_form_stamp().encode()}
    if accepts_gzip(request):
        response = HttpResponse(page.gzip(per_response))
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(page.plain(per_response))
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def _representative_form(request, statement):
    """For a signed-in representative: the organization form filled in from its profile (``?as=`` picks one)."""
    if not request.user.is_authenticated or not statement.is_accepting_sign_ons():
        return None
    organizations = approved_organizations_for(request.user)
    chosen = [org for org in organizations if str(org.pk) == request.GET.get("as")] or organizations[:1]
    if not chosen:
        return None
    return prefilled_sign_on_form(user=request.user, organization=chosen[0], statement=statement)


_CSRF_SLOT = CSRF_TOKEN_PLACEHOLDER.encode()
_STAMP_SLOT = FORM_STAMP_PLACEHOLDER.encode()


class _Page(PageWithSlots):
    """A rendered page cut where the CSRF token and the forms' stamps go (see compressed_page)."""

    def __init__(self, content, *, rendered_at):
        super().__init__(content, [_CSRF_SLOT, _STAMP_SLOT])
        self.rendered_at = rendered_at
        self.built_at = time.time()

    def is_due(self):
        # Rendered again when its signatory list is (RENDER_AGAIN_AFTER_SECONDS). Built from a
        # list still due (another worker renders it), it is built again a second later at
        # the earliest, not on every request: a page costs 30-50 ms to build at 10,000.
        now = time.time()
        return now - self.rendered_at >= RENDER_AGAIN_AFTER_SECONDS and now - self.built_at >= RETRY_DUE_SECONDS
