"""Rendering a mailing for one recipient, in their language, with the unsubscribe headers."""

import html
import re
from html.parser import HTMLParser

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from signatories.services import make_management_token

from .models import Delivery, Mailing, MailingContent
from .tokens import make_invitation_token, make_unsubscribe_token


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


class _PlainText(HTMLParser):
    """Reads the sanitized HTML of a text (campaigns.rendering's few tags) into readable plain text."""

    BLOCKS = {"p", "h2", "h3", "h4", "ul", "ol", "blockquote", "pre", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.lists = []  # per open list: its next number, or None for bullets
        self.links = []  # per open link: (its address, where its text starts in out)
        self.quote = 0

    def _break(self, lines=2):
        text = "".join(self.out).rstrip(" ")
        trailing = len(text) - len(text.rstrip("\n"))
        if text:
            self.out = [text, "\n" * max(lines - trailing, 0)]

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._break(2 if not self.lists else 1)
        if tag == "br":
            self.out.append("\n")
        elif tag == "hr":
            self.out.append("----")
            self._break()
        elif tag == "ul":
            self.lists.append(None)
        elif tag == "ol":
            self.lists.append(1)
        elif tag == "li":
            self._break(1)
            indent = "  " * (len(self.lists) - 1)
            if self.lists and self.lists[-1] is not None:
                self.out.append(f"{indent}{self.lists[-1]}. ")
                self.lists[-1] += 1
            else:
                self.out.append(f"{indent}- ")
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len("".join(self.out))))

    def handle_endtag(self, tag):
        if tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
        if tag == "blockquote" and self.quote:
            self.quote -= 1
        if tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(self.out)[start:]
            address = href.removeprefix("mailto:")
            # "text (url)", or the address alone where the text is the address.
            if href and text.strip() not in {href, address}:
                self.out.append(f" ({address})")
        if tag in self.BLOCKS:
            self._break(2 if not self.lists else 1)

    def handle_data(self, data):
        text = re.sub(r"\s+", " ", data)
        written = "".join(self.out)
        if not written or written.endswith("\n"):  # at the start of a line
            text = text.lstrip()
            if not text:
                return
            text = "> " * self.quote + text
        self.out.append(text)

    def text(self):
        lines = [line.rstrip() for line in "".join(self.out).splitlines()]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def plain_text(body_html: str) -> str:
    """The plain-text part of an email from the text's sanitized HTML: no Markdown syntax left
    (``**bold**`` reads "bold"), lists as "- item" or "1. item", links as "text (url)"."""
    parser = _PlainText()
    parser.feed(body_html or "")
    parser.close()
    return html.unescape(parser.text())


def build_delivery_email(
    delivery: Delivery, mailing: Mailing, content: MailingContent, *, test: bool = False
) -> EmailMultiAlternatives:
    """The message for one delivery: greeting, the staff's text, the personal part, the footer.

    Every mailing is campaign email, so each carries a one-click unsubscribe link
    (RFC 8058) and a stable Message-ID (the same on every retry).
    """
    statement = mailing.statement
    # Links too in the recipient's language: a French invitee's link opens the French page.
    with translation.override(content.language):
        unsubscribe_url = absolute_url(
            reverse("mailings:unsubscribe", kwargs={"token": make_unsubscribe_token(delivery.email)})
        )
        invitation_url = ""
        if delivery.invitation_id:
            token = make_invitation_token(delivery.invitation)
            invitation_url = absolute_url(reverse("mailings:invitation", kwargs={"token": token}))
        elif mailing.kind in {Mailing.Kind.INVITATION, Mailing.Kind.DEADLINE_REMINDER}:
            invitation_url = absolute_url(statement.get_absolute_url()) + "#sign"
        manage_url = ""
        if delivery.sign_on_id:
            manage_url = absolute_url(
                reverse("signatories:manage", kwargs={"token": make_management_token(delivery.sign_on)})
            )

        context = {
            "delivery": delivery,
            "mailing": mailing,
            "content": content,
            "body_text": plain_text(content.body_html),
            "statement": statement,
            "statement_url": absolute_url(statement.get_absolute_url()),
            # Staff may point elsewhere; by default a press release links to the campaign's own press kit.
            "press_kit_url": mailing.press_kit_url
            or absolute_url(reverse("presskit:press_kit", kwargs={"campaign_slug": statement.campaign.slug})),
            "invitation_url": invitation_url,
            "manage_url": manage_url,
            "unsubscribe_url": unsubscribe_url,
            "test": test,
        }
        text = render_to_string("mailings/email/mailing.txt", context)
        html = render_to_string("mailings/email/mailing.html", context)
    subject = f"[TEST] {content.subject}" if test else content.subject
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
        reply_to=statement.campaign.reply_to_addresses,
        headers={
            "Message-ID": delivery.message_id,
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Precedence": "bulk",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def build_unsubscribe_link_email(email: str, *, token: str) -> EmailMultiAlternatives:
    """A new unsubscribe link, asked for from an expired one; in the language of the page it was asked from."""
    unsubscribe_url = absolute_url(reverse("mailings:unsubscribe", kwargs={"token": token}))
    text = render_to_string("mailings/email/unsubscribe_link.txt", {"unsubscribe_url": unsubscribe_url})
    return EmailMultiAlternatives(
        subject=gettext("Your link to stop campaign email"),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
        # Not campaign email itself: no List-Unsubscribe, and it goes out even to an unsubscribed address.
        headers={"Auto-Submitted": "auto-replied"},
    )
