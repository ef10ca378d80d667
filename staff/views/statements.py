"""A statement's own pages on the staff side: its versions, its translations, and the buttons of its admin
page that ask first (lock the final text, schedule reminders, close it, record its delivery).

Each view takes the StatementAdmin it is a page of (staff/admin/campaigns.py, whose get_urls names them): its
permission checks, its staff member's campaigns (``get_object``), its actions, its admin site's layout.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import translates_only, translations_user_may_mark_current
from campaigns import services as campaign_services
from campaigns import text_diff
from campaigns.models import Statement
from campaigns.selectors import translation_status
from mailings import selectors as mailing_selectors
from mailings import services as mailing_services
from mailings.models import Mailing
from signatories import selectors as signatory_selectors
from staff import selectors
from staff.dashboard import moderation_url, new_mailing_url, statement_phase, statements_url
from staff.forms.campaigns import DeliveryForm, VersionCompareForm
from staff.views.pages import admin_page


def may_change_statement(model_admin, request, statement) -> bool:
    """Whether this staff member may run what changes the statement beyond its translations (close it, lock
    its text, schedule reminders, record its delivery): a translator changes only their translations."""
    return (
        statement is not None
        and model_admin.has_change_permission(request, statement)
        and not translates_only(request.user)
    )


def change_form_context(model_admin, request, statement):
    """What the statement's admin page shows above its form: its figures and phase, and its buttons."""
    context = {
        "can_change_statement": may_change_statement(model_admin, request, statement),
        "can_export_sign_ons": model_admin.has_export_sign_ons_permission(request),
    }
    if statement is None:
        return context
    user = request.user
    figures = selectors.statements_with_figures(statement.campaign, only=statement)[0]
    return {
        **context,
        "figures": figures,
        "phase": statement_phase(figures),
        "closing": campaign_services.what_closing_does(statement),
        "campaign_home_url": reverse("admin:campaigns_campaign_home", args=[statement.campaign_id]),
        "moderation_url": moderation_url([statement]),
        "mailings_url": statements_url("mailings_mailing", [statement]),
        "invitation_url": (
            reverse("admin:mailings_mailing_send", args=[figures.drafted_invitation])
            if figures.drafted_invitation
            else new_mailing_url(statement, Mailing.Kind.INVITATION)
        ),
        "action_reminder_url": new_mailing_url(statement, Mailing.Kind.ACTION_REMINDER),
        "can_moderate": user.has_perm("signatories.view_signon"),
        "can_invite": user.has_perm("mailings.add_invitation"),
        "can_import": user.has_perm("signatories.add_signon"),
        "can_add_mailing": user.has_perm("mailings.add_mailing"),
    }


def _may_view_statement(model_admin, request, statement) -> bool:
    return model_admin.has_view_permission(request, statement)


def _may_notify_signers(model_admin, request, statement) -> bool:
    """Whether this staff member may write to the signers of earlier versions (a draft mailing)."""
    return model_admin.has_change_permission(request, statement) and request.user.has_perm("mailings.add_mailing")


def _statement_view(may):
    """A page of a statement, ``view(model_admin, request, statement)``, open to whoever
    ``may(model_admin, request, statement)``; the others, and a statement they do not see, go to the list."""

    def decorate(view):
        @wraps(view)
        def of_statement(model_admin, request, pk):
            statement = model_admin.get_object(request, pk)
            if statement is None or not may(model_admin, request, statement):
                return redirect("admin:campaigns_statement_changelist")
            return view(model_admin, request, statement)

        return of_statement

    return decorate


def _statement_page(model_admin, request, statement, template, title, **context):
    """A page of ``statement``'s (its versions, its translations, a button of its admin page that asks first:
    what it does, then confirm or go back), with the way back to its admin page (``change_url``)."""
    return admin_page(
        model_admin,
        request,
        f"admin/campaigns/statement/{template}",
        title,
        statement=statement,
        change_url=reverse("admin:campaigns_statement_change", args=[statement.pk]),
        **context,
    )


@_statement_view(_may_view_statement)
def versions(model_admin, request, statement):
    """Every version of the text, how many signed each, and a word diff between any two."""
    versions = signatory_selectors.versions_with_sign_on_counts(statement)
    by_number = {version.number: version for version in versions}
    form = VersionCompareForm(request.GET or None, numbers=list(by_number))
    old = new = None
    if len(versions) >= 2:
        old, new = versions[-2], versions[-1]
        if form.is_valid():
            old, new = by_number[int(form.cleaned_data["old"])], by_number[int(form.cleaned_data["new"])]
        elif not form.is_bound:
            form = VersionCompareForm(initial={"old": old.number, "new": new.number}, numbers=list(by_number))
    sections = None
    if old is not None and new is not None:
        sections = text_diff.compare_versions(campaign_services.version_text(old), campaign_services.version_text(new))
    return _statement_page(
        model_admin,
        request,
        statement,
        "versions.html",
        _("Versions of “%(title)s”") % {"title": statement.title},
        versions=versions,
        form=form,
        old=old,
        new=new,
        sections=sections,
        earlier_signers=mailing_selectors.signers_of_earlier_versions(statement, statement.version).count(),
        can_notify=_may_notify_signers(model_admin, request, statement),
    )


@_statement_view(_may_view_statement)
def translations(model_admin, request, statement):
    """Each part of the text in each language: translated, behind the original, or missing; and, for a
    translation behind, a button that marks it current (for its translators and campaign managers)."""
    may_mark = (
        translations_user_may_mark_current(request.user, statement)
        if model_admin.has_change_permission(request, statement)
        else []
    )
    if request.method == "POST":
        language = request.POST.get("language", "")
        if language in may_mark:
            name = dict(settings.LANGUAGES)[language]
            if campaign_services.mark_translation_current(statement=statement, language=language, by=request.user):
                model_admin.message_user(
                    request,
                    _("The %(language)s translation is marked current: its page no longer says it is behind.")
                    % {"language": name},
                    messages.SUCCESS,
                )
            else:
                model_admin.message_user(
                    request,
                    _("The %(language)s translation was not behind: nothing changed.") % {"language": name},
                    messages.WARNING,
                )
        return redirect("admin:campaigns_statement_translations", statement.pk)
    status = translation_status(statement)
    for language in status.languages:
        language.may_mark_current = language.code in may_mark and bool(language.behind)
        with translation.override(language.code):
            language.url = statement.get_absolute_url()
    return _statement_page(
        model_admin,
        request,
        statement,
        "translations.html",
        _("Translations of “%(title)s”") % {"title": statement.title},
        status=status,
    )


@_statement_view(_may_notify_signers)
def notify_signers(model_admin, request, statement):
    """Start a mailing to signers of earlier versions: a draft staff edit, then schedule."""
    if request.method != "POST":
        return redirect("admin:campaigns_statement_changelist")
    try:
        mailing = mailing_services.create_version_change_mailing(statement=statement, by=request.user)
    except mailing_services.MailingNotReady as problem:
        model_admin.message_user(request, str(problem), messages.ERROR)
        return redirect("admin:campaigns_statement_versions", statement.pk)
    model_admin.message_user(
        request, _("A draft mailing to signers of earlier versions is ready: check its text, then schedule it.")
    )
    return redirect("admin:mailings_mailing_change", mailing.pk)


# --- Buttons on the statement's page (the list's actions, for this one statement) ----------


@_statement_view(may_change_statement)
def text_lock(model_admin, request, statement):
    """Lock the final text (or unlock it): what it does, then a button that does it."""
    if request.method == "POST":
        # What the person saw and pressed, not the state now: pressing twice never undoes the first press.
        if request.POST.get("do") == "unlock":
            model_admin.unlock_text(request, Statement.objects.filter(pk=statement.pk))
        else:
            model_admin.lock_final_text(request, Statement.objects.filter(pk=statement.pk))
        return redirect("admin:campaigns_statement_change", statement.pk)
    title = _("Unlock the text") if statement.is_text_locked else _("Lock the final text")
    return _statement_page(model_admin, request, statement, "text_lock.html", title)


@_statement_view(may_change_statement)
def reminders(model_admin, request, statement):
    """Schedule the standard reminders: who awaits an answer, in which languages, and when; or why not."""
    if request.method == "POST":
        model_admin.schedule_standard_reminders(request, Statement.objects.filter(pk=statement.pk))
        return redirect("admin:campaigns_statement_change", statement.pk)
    times, problem = mailing_services.standard_reminder_times(statement)
    by_language = mailing_selectors.invitees_awaiting_answer_by_language(statement)
    return _statement_page(
        model_admin,
        request,
        statement,
        "reminders.html",
        _("Schedule reminders"),
        problem=problem,
        reminders=[(days, timezone.localtime(at)) for days, at in times],
        time_zone=timezone.get_current_timezone_name(),
        by_language=by_language,
        awaiting=sum(count for _language, count in by_language),
    )


@_statement_view(may_change_statement)
def close(model_admin, request, statement):
    """Stop this statement taking sign-ons (closed, or no more late sign-ons): what it does, then a button."""
    if request.method == "POST":
        stopped, cancelled = campaign_services.close_statement(statement=statement, by=request.user)
        if not stopped:
            model_admin.message_user(
                request,
                _("%(statement)s takes no sign-ons: nothing changed.") % {"statement": statement},
                messages.WARNING,
            )
        else:
            message = gettext("%(statement)s takes no more sign-ons.") % {"statement": statement}
            if cancelled:
                message += " " + ngettext(
                    "%(count)d invitation or reminder not sent yet was cancelled.",
                    "%(count)d invitations and reminders not sent yet were cancelled.",
                    cancelled,
                ) % {"count": cancelled}
            model_admin.message_user(request, message, messages.SUCCESS)
        return redirect("admin:campaigns_statement_change", statement.pk)
    closing = campaign_services.what_closing_does(statement)
    return _statement_page(
        model_admin,
        request,
        statement,
        "close.html",
        _("Stop late sign-ons") if closing == campaign_services.STOPS_LATE_SIGN_ONS else _("Close sign-ons"),
        closing=closing,
        pending_mailings=mailing_selectors.pending_mailings_asking_to_sign(statement=statement),
        mailings_url=statements_url("mailings_mailing", [statement], kind__in="invitation,deadline_reminder"),
    )


@_statement_view(may_change_statement)
def delivery(model_admin, request, statement):
    """Record when the statement was handed to those it addresses, and to whom; its page then says so."""
    form = DeliveryForm(request.POST or None, statement=statement)
    if request.method == "POST" and form.is_valid():
        campaign_services.record_delivery(
            statement=statement,
            delivered_at=form.cleaned_data["delivered_at"],
            delivered_to=form.delivered_to,
            by=request.user,
        )
        model_admin.message_user(
            request,
            format_html(
                gettext('The delivery is recorded: <a href="{url}">the statement\'s page</a> says so.'),
                url=statement.get_absolute_url(),
            ),
            messages.SUCCESS,
        )
        return redirect("admin:campaigns_statement_change", statement.pk)
    return _statement_page(model_admin, request, statement, "delivery.html", _("Record the delivery"), form=form)
