"""Sending a mailing: its preview, the page that says who gets it before it goes, a test to oneself, cancelling."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mailings import selectors, services
from mailings.models import Mailing
from staff.admin.time_zones import time_with_zone


class MailingSendingAdmin:
    """The send, preview, test and cancel pages and actions of MailingAdmin (mailings.py)."""

    @admin.action(description=_("Send or schedule… (first shows who gets it)"), permissions=["change"])
    def schedule_selected(self, request, queryset):
        # Never sent blindly from a list: the mailing's confirmation page says who gets it first.
        mailings = list(queryset[:2])
        if len(mailings) != 1:
            self.message_user(
                request, _("Select one mailing: each is sent after its own confirmation page."), messages.WARNING
            )
            return None
        return redirect("admin:mailings_mailing_send", mailings[0].pk)

    @admin.action(description=_("Cancel (stops sending; keeps what was sent)"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        for mailing in queryset:
            counts = services.cancel(mailing=mailing)
            self.message_user(
                request,
                _("%(mailing)s cancelled: %(sent)d sent, %(skipped)d not sent.")
                % {"mailing": mailing, "sent": counts.sent, "skipped": counts.skipped},
            )

    @admin.action(description=_("Send a test to me"), permissions=["view"])
    def send_test_to_me(self, request, queryset):
        for mailing in queryset:
            count = services.send_tests(mailing=mailing, to=request.user.email)
            self.message_user(
                request,
                ngettext(
                    "%(count)d test of %(mailing)s sent to %(email)s.",
                    "%(count)d tests of %(mailing)s (one per language) sent to %(email)s.",
                    count,
                )
                % {"count": count, "mailing": mailing, "email": request.user.email},
            )

    # --- Sending, after a confirmation page ---------------------------------------------

    def _send_button_label(self, mailing):
        if mailing is None:
            return _("Save, then send or schedule…")
        if not mailing.is_editable:
            return ""
        return _("Schedule…") if mailing.sends_later else _("Send…")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if self.has_change_permission(request, obj):
            context["send_button_label"] = self._send_button_label(obj)
            context["can_cancel"] = obj is not None and obj.state in Mailing.PENDING_STATES
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if "_send" in request.POST:
            return redirect("admin:mailings_mailing_send", obj.pk)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_send" in request.POST:  # saved first: what staff just wrote is what the confirmation shows
            return redirect("admin:mailings_mailing_send", obj.pk)
        return super().response_change(request, obj)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", wrap(self.preview_view), name="mailings_mailing_preview"),
            path("<int:pk>/send/", wrap(self.send_view), name="mailings_mailing_send"),
            path("<int:pk>/test/", wrap(self.test_view), name="mailings_mailing_test"),
            path("<int:pk>/cancel/", wrap(self.cancel_view), name="mailings_mailing_cancel"),
            *super().get_urls(),
        ]

    # --- The list's actions, for the mailing on its own page ------------------------------------

    def test_view(self, request, pk):
        """Send a test of each version to the staff member (POST only: an email is a write)."""
        mailing = self.get_object(request, pk)
        if mailing is None or request.method != "POST" or not self.has_view_permission(request, mailing):
            return redirect("admin:mailings_mailing_changelist")
        self.send_test_to_me(request, self.get_queryset(request).filter(pk=mailing.pk))
        return redirect("admin:mailings_mailing_change", mailing.pk)

    def cancel_view(self, request, pk):
        """Cancel the mailing: what stops and what was sent already, then a button that cancels it."""
        mailing = self.get_object(request, pk)
        if mailing is None or not self.has_change_permission(request, mailing):
            return redirect("admin:mailings_mailing_changelist")
        change_url = reverse("admin:mailings_mailing_change", args=[mailing.pk])
        if mailing.state not in Mailing.PENDING_STATES:
            return self._refused(request, mailing, _("%(mailing)s is %(state)s: there is nothing to cancel."))
        if request.method == "POST":
            self.cancel_selected(request, self.get_queryset(request).filter(pk=mailing.pk))
            return redirect(change_url)
        return self._mailing_page(
            request,
            "cancel",
            _("Cancel: %(mailing)s"),
            mailing,
            progress=selectors.progress(mailing),
            change_url=change_url,
        )

    def preview_view(self, request, pk):
        """The email as recipients will see it, in each language written."""
        mailing = self.get_object(request, pk)
        if mailing is None or not self.has_view_permission(request, mailing):
            return redirect("admin:mailings_mailing_changelist")
        previews = selectors.email_previews(mailing, recipient_email=request.user.email)
        return self._mailing_page(request, "preview", _("Preview: %(mailing)s"), mailing, previews=previews)

    def send_view(self, request, pk):
        """Before a mailing goes out: how many get it in which language, which version each language
        gets, the preview of each version; a POST (the confirm button) schedules or sends it."""
        mailing = self.get_object(request, pk)
        if mailing is None or not self.has_change_permission(request, mailing):
            return redirect("admin:mailings_mailing_changelist")
        change_url = reverse("admin:mailings_mailing_change", args=[mailing.pk])
        if not mailing.is_editable:
            return self._refused(request, mailing, _("%(mailing)s is %(state)s: it cannot be sent again."))
        later = mailing.sends_later
        problem = services.readiness_problem(mailing=mailing)
        if request.method == "POST" and not problem:
            try:
                services.schedule(mailing=mailing)
            except services.MailingNotReady as error:
                problem = str(error)
            else:
                if later:
                    message = _("%(mailing)s is scheduled: the workers send it on %(time)s.") % {
                        "mailing": mailing,
                        "time": time_with_zone(mailing.scheduled_at),
                    }
                else:
                    message = _("%(mailing)s is being sent now; its progress shows below.") % {"mailing": mailing}
                self.message_user(request, message, messages.SUCCESS)
                return redirect(change_url)
        return self._mailing_page(
            request,
            "send",
            _("Schedule: %(mailing)s") if later else _("Send: %(mailing)s"),
            mailing,
            audience=selectors.audience(mailing),
            previews=selectors.email_previews(mailing, recipient_email=request.user.email),
            later=later,
            reply_to=mailing.statement.campaign.reply_to_addresses,
            problem=problem,
            change_url=change_url,
        )

    def _mailing_page(self, request, template, title, mailing, **context):
        """One of a mailing's pages (admin/mailings/mailing/<template>.html), its title naming it."""
        context = {
            **self.admin_site.each_context(request),
            "title": title % {"mailing": mailing},
            "mailing": mailing,
            "opts": self.model._meta,
            **context,
        }
        return TemplateResponse(request, f"admin/mailings/mailing/{template}.html", context)

    def _refused(self, request, mailing, message):
        """Back to the mailing's page, saying why it cannot be done in its state (``message``)."""
        state = mailing.get_state_display().lower()
        self.message_user(request, message % {"mailing": mailing, "state": state}, messages.WARNING)
        return redirect("admin:mailings_mailing_change", mailing.pk)
