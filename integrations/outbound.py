"""Where the worker may send a partner's notifications: servers on the public internet only.

A webhook's address is typed by staff, and the worker POSTs to it from inside the hosting
network. Unchecked, an address such as ``http://127.0.0.1:6379/``, ``http://10.0.0.5/`` or the
cloud's metadata service (``http://169.254.169.254/``) would turn the worker into a way into
that network (server-side request forgery). So an address must be ``https://`` (``http://``
only with ``WEBHOOKS_ALLOW_HTTP``) and every address its host name resolves to must be
global (``ipaddress``'s ``is_global``) unless ``WEBHOOKS_ALLOW_PRIVATE_ADDRESSES`` is on (a
test's or a developer's local receiver).

It is checked twice: when staff save the webhook (:func:`validate_webhook_url`, a message in
the form), and when each notification is sent (:func:`post`), on what the name resolves to
then: a public name may be made to resolve to 127.0.0.1 later (DNS rebinding). The
connection goes to the address that was checked, not to a second resolution of the name,
while TLS still checks the certificate against the host name. Redirects are not followed:
a 3xx is an answer that is not 2xx, so a server cannot send the worker elsewhere.
"""

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# NAT64's well-known prefix (RFC 6052): 64:ff9b::a.b.c.d reaches the IPv4 address a.b.c.d.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
FAMILIES = (socket.AF_INET, socket.AF_INET6)


class RefusedAddress(Exception):
    """An address the worker does not send to. Its text says why in a few words: staff read it as the
    delivery's last result. ``code`` names the rule ("scheme", "private_address", "not_found", "invalid");
    ``address`` is the refused IP address, when one is."""

    def __init__(self, reason: str, *, code: str, address: str = ""):
        super().__init__(reason)
        self.code, self.address = code, address


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str
    port: int
    path: str  # with its query string


def destination(url: str) -> Destination:
    """The parts of ``url`` the worker connects to; RefusedAddress for a scheme it does not send to."""
    parts = urlsplit(url)
    schemes = ("https", "http") if settings.WEBHOOKS_ALLOW_HTTP else ("https",)
    if parts.scheme not in schemes:
        raise RefusedAddress("refused: only " + " and ".join(f"{scheme}://" for scheme in schemes), code="scheme")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedAddress("refused: not a valid port", code="invalid") from None
    if not parts.hostname:
        raise RefusedAddress("refused: no host", code="invalid")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Destination(parts.scheme, parts.hostname, port, path)


def is_public(address: str) -> bool:
    """Whether ``address`` is on the public internet: not loopback, private, link-local (the cloud's
    metadata service), shared (carrier NAT), reserved or multicast, nor an IPv4 one of those
    written as IPv6 (``::ffff:127.0.0.1``, 6to4, NAT64)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = (
            ip.ipv4_mapped or ip.sixtofour or (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in NAT64 else None)
        )
        if embedded is not None and not is_public(str(embedded)):
            return False
    return ip.is_global and not ip.is_multicast


def public_addresses(target: Destination) -> list[str]:
    """The addresses ``target``'s host resolves to now, each of them public (unless
    WEBHOOKS_ALLOW_PRIVATE_ADDRESSES); RefusedAddress if any is not, or if the name is not found."""
    try:
        found = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise RefusedAddress("host not found", code="not_found") from None
    addresses = list(dict.fromkeys(sockaddr[0] for family, *_rest, sockaddr in found if family in FAMILIES))
    if not addresses:
        raise RefusedAddress("host not found", code="not_found")
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        for address in addresses:
            if not is_public(address):
                raise RefusedAddress(
                    f"refused: {address} is not a public address", code="private_address", address=address
                )
    return addresses


def validate_webhook_url(url: str) -> None:
    """What staff are told when they save a webhook whose address the worker would refuse.

    A name that is not found (yet) is accepted: the partner may set it up after; the worker
    checks again before each notification, and records "host not found" meanwhile."""
    try:
        public_addresses(destination(url))
    except RefusedAddress as refused:
        if refused.code == "scheme" and settings.WEBHOOKS_ALLOW_HTTP:
            raise ValidationError(_("Enter an address starting with https:// or http://."), code="scheme") from None
        if refused.code == "scheme":
            raise ValidationError(_("Enter an address starting with https://."), code="scheme") from None
        if refused.code == "invalid":
            raise ValidationError(_("Enter a valid URL."), code="invalid") from None
        if refused.code == "private_address":
            raise ValidationError(
                _(
                    "This address leads to %(address)s, on a private or local network: notifications are only "
                    "sent to servers on the public internet."
                ),
                code="private_address",
                params={"address": refused.address},
            ) from None


def post(url: str, body: bytes, headers: dict, *, timeout: float, deadline: float) -> str:
    """POST ``body`` as JSON to ``url`` if its host is public now; "" when the server took it (2xx),
    else what went wrong, in a few words ("refused: 127.0.0.1 is not a public address", "HTTP 503",
    "timed out"). Never follows a redirect.

    ``timeout`` bounds each step (connecting, each read); ``deadline`` the whole exchange, which a
    server answering a byte at a time could otherwise stretch past the worker's lease."""
    try:
        target = destination(url)
        addresses = public_addresses(target)
    except RefusedAddress as refused:
        return str(refused)
    kind = _TLSConnection if target.scheme == "https" else _Connection
    connection = kind(target.host, target.port, addresses=addresses, timeout=timeout)
    expired = threading.Event()

    def give_up():
        expired.set()
        if connection.sock is not None:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)  # the blocked read returns at once

    watchdog = threading.Timer(deadline, give_up)
    watchdog.start()
    try:
        connection.request("POST", target.path, body=body, headers={"Content-Type": "application/json", **headers})
        status = connection.getresponse().status
        return "" if 200 <= status < 300 else f"HTTP {status}"
    except (OSError, http.client.HTTPException) as error:
        return "timed out" if expired.is_set() or isinstance(error, TimeoutError) else type(error).__name__
    finally:
        watchdog.cancel()
        connection.close()


def _connect(addresses: list[str], port: int, timeout: float) -> socket.socket:
    """A connection to the first of ``addresses`` (already checked) that takes it: numeric, no new lookup."""
    for address in addresses[:-1]:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError:
            continue
    return socket.create_connection((addresses[-1], port), timeout)


class _Connection(http.client.HTTPConnection):
    """HTTP to the addresses checked, with the URL's host in the Host header."""

    def __init__(self, host, port, *, addresses, timeout):
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self):
        self.sock = _connect(self.addresses, self.port, self.timeout)


class _TLSConnection(http.client.HTTPSConnection):
    """HTTPS to the addresses checked; the certificate is verified against the URL's host name (and SNI sent for it)."""

    def __init__(self, host, port, *, addresses, timeout):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.addresses = addresses

    def connect(self):
        self.sock = self.tls.wrap_socket(_connect(self.addresses, self.port, self.timeout), server_hostname=self.host)
