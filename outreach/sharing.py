"""Share links for the common networks: plain links, so no third-party script runs on our pages."""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.utils.translation import gettext_lazy as _

# A host name such as "mastodon.social" or "social.example.org": letters, digits, dots and dashes.
MASTODON_SERVER = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@dataclass(frozen=True)
class ShareLink:
    network: str
    url: str


def share_text(message, url):
    return f"{message.strip()} {url}".strip()


def share_links(*, message, url, subject=""):
    """Links that open each network's own "new post" page with the message and the statement's address."""
    text = share_text(message, url)
    return [
        ShareLink("Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": text})),
        ShareLink(
            "X (Twitter)", "https://twitter.com/intent/tweet?" + urlencode({"text": message.strip(), "url": url})
        ),
        ShareLink("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ShareLink("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})),
        ShareLink("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": message.strip()})),
        ShareLink("WhatsApp", "https://wa.me/?" + urlencode({"text": text})),
        ShareLink(
            str(_("Email")), f"mailto:?subject={quote(subject or message[:80], safe='')}&body={quote(text, safe='')}"
        ),
    ]


def normalize_mastodon_server(value: str) -> str | None:
    """ "https://Mastodon.Social/@me" → "mastodon.social"; None when it is not a host name."""
    server = value.strip().lower()
    server = re.sub(r"^https?://", "", server).split("/", 1)[0].split("@")[-1]
    return server if MASTODON_SERVER.match(server) else None


def mastodon_share_link(server, *, message, url) -> str:
    """Mastodon has no central site: the share page is on the supporter's own server."""
    return f"https://{server}/share?" + urlencode({"text": share_text(message, url)})


# --- Sharing a statement: on its page, after signing, after confirming ---------------------

# Longer summaries do not fit a post (Bluesky allows 300 characters, the address included).
SHARED_SUMMARY_MAX = 200


@dataclass(frozen=True)
class StatementShare:
    """What a reader needs to spread a statement: the message, its address, the networks' links, and a
    ready-made invitation to another organization (the sign-on form's address; nothing about the signer)."""

    message: str
    url: str
    links: list
    sign_url: str
    invitation: str
    invitation_mailto: str

    @property
    def text(self):
        return share_text(self.message, self.url)


def statement_share(statement, *, site_url: str) -> StatementShare:
    """The share links of ``statement`` (its page's absolute address on ``site_url``), in the active language.

    The message is the statement's summary when it fits a post, else its title. Reads
    nothing but the statement: the cached statement page shows it (public_site.statement_page).
    """
    summary = (statement.summary or "").strip()
    message = summary if summary and len(summary) <= SHARED_SUMMARY_MAX else statement.title
    url = site_url + statement.get_absolute_url()
    sign_url = url + "#sign"
    subject = _("Will your organization sign “%(title)s”?") % {"title": statement.title}
    invitation = _("We have signed “%(title)s”. Will your organization sign it too? Read it and sign here: %(url)s") % {
        "title": statement.title,
        "url": sign_url,
    }
    return StatementShare(
        message=message,
        url=url,
        links=share_links(message=message, url=url, subject=statement.title),
        sign_url=sign_url,
        invitation=invitation,
        invitation_mailto=f"mailto:?subject={quote(subject, safe='')}&body={quote(invitation, safe='')}",
    )
