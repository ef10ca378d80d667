"""The moderation queue: the list of sign-ons staff work through, its filters, its rows and their cells."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ERROR_FLAG, ChangeList
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.roles import campaign_ids_for
from campaigns.models import Campaign, Tier
from signatories import selectors
from signatories.identity import readable_domain
from signatories.models import Organization, SignOn


class CountryFilter(admin.SimpleListFilter):
    """The signatory's country, chosen from a drop-down: no query, and not 250 links in the sidebar.

    Offering only the countries present would cost a DISTINCT over every signatory on
    each page view; the full list costs nothing.
    """

    title = _("country")
    parameter_name = "country"
    template = "admin/signatories/signon/country_filter.html"

    def __init__(self, request, params, model, model_admin):
        # The drop-down's form carries the other filters along as hidden fields.
        self.other_params = [
            (name, value)
            for name, values in request.GET.lists()
            if name not in {self.parameter_name, "p"}
            for value in values
        ]
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return list(countries)

    def choices(self, changelist):
        yield {
            "parameter_name": self.parameter_name,
            "hidden": self.other_params,
            "options": [(code, name, code == self.value()) for code, name in self.lookup_choices],
            "clear_query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "selected": self.value() is not None,
        }

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(signatory__country=self.value())
        return queryset


class TierFilter(admin.SimpleListFilter):
    """Tiers named with their statement; only the chosen statement's when one is chosen."""

    title = _("tier")
    parameter_name = "tier"

    def lookups(self, request, model_admin):
        tiers = Tier.objects.select_related("statement").order_by("statement__title", "position")
        campaign_ids = campaign_ids_for(request.user)
        if campaign_ids is not None:  # a campaign manager or moderator of some campaigns: not the others' statements
            tiers = tiers.filter(statement__campaign__in=campaign_ids)
        statement = request.GET.get("statement__id__exact")
        if statement and statement.isdigit():
            tiers = tiers.filter(statement_id=statement)
        return [("none", _("No tier")), *((str(t.pk), f"{t.statement.title} — {t.name}") for t in tiers)]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(tier__isnull=True)
        if self.value() and self.value().isdigit():
            return queryset.filter(tier_id=self.value())
        return queryset


class NeedsALookFilter(admin.SimpleListFilter):
    """Sign-ons with a signal (selectors.needs_a_look_condition): webmail, a look-alike name, an address off-site."""

    title = _("signals")
    parameter_name = "needs_look"

    def __init__(self, request, params, model, model_admin):
        self.model_admin = model_admin
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [("yes", _("Needs a look")), ("no", _("Nothing to check"))]

    def queryset(self, request, queryset):
        if self.value() not in {"yes", "no"}:
            return queryset
        condition = selectors.needs_a_look_condition(self.model_admin.look_alikes(request))
        return queryset.filter(condition) if self.value() == "yes" else queryset.exclude(condition)


# After a decision from a row, the next row's first button takes the focus (autofocus): the
# queue is worked through with the keyboard, one row after another.
FOCUS_SESSION_KEY = "signatories.moderation_focus"


class ModerationQueue(ChangeList):
    """The sign-on list reading only the columns it shows: not, for instance, each statement's whole text.

    Each row of the page is given what its cells show beyond its columns (``row``): its
    signals, the link to its page, and where the row's buttons lead back to.
    """

    columns = [
        "pk",
        "statement_id",
        "signatory_id",
        "tier_id",
        "requested_tier_id",
        "listing",
        "confirmation_state",
        "confirmed_from_domain",
        "moderation_state",
        "signed_at",
        "withdrawn_at",
        "signatory__kind",
        "signatory__name",
        "signatory__acronym",
        "signatory__country",
        "signatory__affiliation",
        "signatory__website_domain",
        "statement__title",
        "tier__name",
        "requested_tier__name",
        # The title and tier names are read in the reader's language, with fallbacks to the
        # others (django-modeltranslation): each language's column, or one query per row.
        *(
            f"{column}_{code}"
            for column in ("statement__title", "tier__name", "requested_tier__name")
            for code, _name in settings.LANGUAGES
        ),
    ]

    def __init__(self, request, *args, **kwargs):
        self.request = request
        super().__init__(request, *args, **kwargs)

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).only(*self.columns, *selectors.SIGNAL_COLUMNS)

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        signals = selectors.moderation_signals(rows, self.model_admin.look_alikes(request))
        focus = str(request.session.pop(FOCUS_SESSION_KEY, ""))
        can_decide = self.model_admin.has_change_permission(request)
        decide_url = reverse("admin:signatories_signon_moderate")
        preserved_filters = self.model_admin.get_preserved_filters(request)
        # Which statement a row is for goes without saying when the list shows one statement's.
        statements = next((spec for spec in self.filter_specs if getattr(spec, "field_path", "") == "statement"), None)
        names_statement = statements is not None and not statements.lookup_val and len(statements.lookup_choices) > 1
        for position, sign_on in enumerate(rows):
            following = rows[position + 1].pk if position + 1 < len(rows) else None
            sign_on.row = {
                "signals": signals[sign_on.pk],
                "change_url": add_preserved_filters(
                    {"preserved_filters": preserved_filters, "opts": self.opts},
                    reverse("admin:signatories_signon_change", args=[sign_on.pk]),
                ),
                "can_decide": can_decide,
                "decide_url": f"{decide_url}?next={following}" if following else decide_url,
                "has_focus": focus == str(sign_on.pk),
                "statement": Truncator(sign_on.statement.title).words(8) if names_statement else "",
            }

    @property
    def return_query(self):
        """The query of this page (filters, search, order, page number): where a row's buttons come back to."""
        query = self.request.GET.copy()
        query.pop(ERROR_FLAG, None)
        return query.urlencode()

    @property
    def active_filter_titles(self):
        return [str(spec.title) for spec in self.filter_specs if spec.used_parameters]

    @property
    def quick_views(self):
        """Links to the views of the queue staff use most, keeping the other filters and the search."""
        # A withdrawn sign-on waits for nobody (as the campaign home's "pending moderation" link says).
        waiting = {"moderation_state__exact": "pending", "withdrawn_at__isempty": "1"}
        views = [
            (_("Waiting for a decision"), waiting),
            (_("Waiting, with signals to check"), {**waiting, "needs_look": "yes"}),
            (_("All sign-ons"), {}),
        ]
        own = ["moderation_state__exact", "withdrawn_at__isempty", "needs_look"]
        current = {key: self.filter_params.get(key, [None])[-1] for key in own}
        return [
            {
                "label": label,
                "url": self.get_query_string(params, remove=own),
                "current": current == {key: params.get(key) for key in own},
            }
            for label, params in views
        ]


class ModerationQueueAdmin:
    """The list page of SignOnAdmin (sign_ons.py): its rows (ModerationQueue), title, breadcrumbs and cells."""

    def get_changelist(self, request, **kwargs):
        return ModerationQueue

    def changelist_view(self, request, extra_context=None):
        context = {"title": _("Moderate sign-ons"), "campaign": self._campaign_of_the_queue(request)}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def _campaign_of_the_queue(self, request):
        """The campaign the queue is of, for the breadcrumbs' way back to its home: that of the statements it is
        filtered to (the campaign home's links), or the staff member's one campaign; None if several."""
        chosen = request.GET.get("statement__id__exact") or request.GET.get("statement__id__in") or ""
        ids = [int(pk) for pk in chosen.split(",") if pk.isdigit()]
        campaigns = Campaign.objects.filter(statements__in=ids) if ids else Campaign.objects.all()
        scope = campaign_ids_for(request.user)
        if scope is not None:
            campaigns = campaigns.filter(pk__in=scope)
        found = list(campaigns.order_by().distinct().only("pk", "name")[:2])
        return found[0] if len(found) == 1 else None

    def look_alikes(self, request):
        """selectors.look_alike_organizations among the organizations this staff member may see; once per request."""
        if not hasattr(request, "_look_alike_organizations"):
            organizations = self.admin_site._registry[Organization].get_queryset(request)
            request._look_alike_organizations = selectors.look_alike_organizations(organizations)
        return request._look_alike_organizations

    # --- The queue's cells: several facts each, so that the row fits the screen ---------

    @admin.display(description=_("signatory"), ordering="signatory__sort_key")
    def signatory_cell(self, sign_on):
        signatory = sign_on.signatory
        facts = [signatory.get_kind_display(), signatory.country.name or gettext("no country")]
        if not signatory.is_organization and signatory.affiliation:
            facts.append(signatory.affiliation)
        return format_html(
            '<a class="moderation-name" href="{}" dir="auto">{}</a><span class="moderation-facts">{}</span>',
            sign_on.row["change_url"],
            signatory.display_name,
            " · ".join(facts),
        )

    # "asked for" is also a press kit request's date: the context keeps the translations apart.
    @admin.display(description=pgettext_lazy("sign-on moderation column", "asked for"))
    def asked_for(self, sign_on):
        asked, placed = sign_on.requested_tier, sign_on.tier
        if asked is None:
            tier = format_html("{}", placed.name if placed else gettext("No tier"))
        elif placed is not None and placed.pk != asked.pk:
            tier = format_html(
                '{}<span class="moderation-facts">{}</span>',
                asked.name,
                gettext("now in “%(tier)s”") % {"tier": placed.name},
            )
        else:
            tier = format_html("{}", asked.name)
        statement = sign_on.row["statement"]
        return format_html(
            '<span class="moderation-tier">{}</span><span class="moderation-listing">{}</span>{}',
            tier,
            sign_on.get_listing_display(),
            format_html('<span class="moderation-facts">{}</span>', statement) if statement else "",
        )

    @admin.display(description=_("state"))
    def state(self, sign_on):
        icons = {SignOn.Moderation.PENDING: "○", SignOn.Moderation.APPROVED: "✓", SignOn.Moderation.REJECTED: "✗"}
        confirmed = sign_on.confirmation_state == SignOn.Confirmation.CONFIRMED
        parts = [
            format_html(
                '<span class="moderation-state moderation-{}"><span aria-hidden="true">{}</span> {}</span>',
                sign_on.moderation_state,
                icons.get(sign_on.moderation_state, ""),
                sign_on.get_moderation_state_display(),
            ),
            format_html(
                '<span class="moderation-confirmation"><span aria-hidden="true">{}</span> {}</span>',
                "✓" if confirmed else "✉",
                gettext("Email confirmed") if confirmed else gettext("Email not confirmed yet"),
            ),
        ]
        if sign_on.confirmed_from_domain:
            parts.append(
                format_html(
                    '<span class="moderation-confirmed-domain">{}</span>',
                    gettext("confirmed from an address at %(domain)s")
                    % {"domain": readable_domain(sign_on.confirmed_from_domain)},
                )
            )
        if sign_on.withdrawn_at:
            parts.append(
                format_html('<span class="moderation-withdrawn">{}</span>', gettext("Withdrawn by the signer"))
            )
        parts.append(
            format_html(
                '<span class="moderation-facts">{}</span>',
                gettext("Signed %(date)s") % {"date": date_format(localtime(sign_on.signed_at), "DATE_FORMAT")},
            )
        )
        return format_html_join("", "{}", ((part,) for part in parts))

    @admin.display(description=_("needs a look"))
    def signals(self, sign_on):
        found = sign_on.row["signals"]
        if not found:
            return format_html('<span class="moderation-facts">{}</span>', gettext("Nothing to check"))
        return format_html(
            '<ul class="moderation-signals">{}</ul>',
            format_html_join(
                "",
                '<li class="moderation-signal-{}"><span aria-hidden="true">⚠</span> {}</li>',
                ((signal.code, signal.label) for signal in found),
            ),
        )

    @admin.display(description=_("decision"))
    def decision(self, sign_on):
        """Approve and Reject buttons, submitting the list's own form (its CSRF token) to moderate_view.

        Buttons, not forms: the row is inside the list's form, and forms cannot nest. A
        sign-on already approved (rejected) is offered only the other decision.
        """
        row = sign_on.row
        if not row["can_decide"]:
            return "—"
        buttons = [
            (decision, label)
            for decision, label, state in (
                ("approve", gettext("Approve"), SignOn.Moderation.APPROVED),
                ("reject", gettext("Reject"), SignOn.Moderation.REJECTED),
            )
            if sign_on.moderation_state != state
        ]
        return format_html(
            '<div class="moderation-decide">{}</div>',
            format_html_join(
                "",
                '<button type="submit" class="moderation-{}" name="{}" value="{}" formaction="{}"{}>'
                '{}<span class="visually-hidden"> {}</span></button>',
                (
                    (
                        decision,
                        decision,
                        sign_on.pk,
                        row["decide_url"],
                        # The result of the decision before is read out with the button that takes the focus.
                        mark_safe(' autofocus aria-describedby="moderation-messages"')
                        if row["has_focus"] and index == 0
                        else "",
                        label,
                        sign_on.signatory.display_name,
                    )
                    for index, (decision, label) in enumerate(buttons)
                ),
            ),
        )

    def action_checkbox(self, sign_on):
        # Django renders this through the form widget templates, slow over a long list; the same HTML, directly.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            sign_on.pk,
            format_html(gettext("Select this object for an action - {}"), str(sign_on)),
        )
