"""A local SMTP server that keeps every message it receives, for tests and the email benchmark.

    with SmtpSink() as sink:                  # 127.0.0.1, a free port
        environment["EMAIL_URL"] = sink.url   # smtp://127.0.0.1:PORT for a worker process
        ...
        sink.wait_for(300, timeout=60)
        sink.message_ids_by_recipient()       # {"a@example.org": ["<…@…>"], …}

It is aiosmtpd's threaded ``Controller``: the server runs in a thread of the
process that starts it (the test or the benchmark), not in a worker. So it stays
up while a worker is killed and another started: the killed worker's SMTP
session just ends, and the next worker's messages are counted in the same
records. Every record is taken under one lock, so the test thread reads while
the server thread writes.

What a test can make the server do:

- ``refuse_recipient(address, "550 …")``: answer RCPT TO for that address with a
  refusal (a permanent one for a 5xx);
- ``refuse_senders("550 …")``: answer every MAIL FROM with a refusal, as a provider
  does for an unverified sender domain (trouble with us, not with a recipient);
- ``refuse_next_messages(n, "451 …")``: answer DATA of the next ``n`` messages with
  a refusal (a transient one for a 4xx), then accept again;
- ``on_message``: a function called with each accepted message and the count so
  far, after it is recorded and *before* the server answers 250. Killing the
  worker there leaves a message received but unconfirmed to the sender: exactly
  the one a crash can make the sender send again.

``python -m tests.smtp_sink --port 2525`` runs it alone, printing a count now and
then, e.g. to point ``make worker`` (EMAIL_URL=smtp://127.0.0.1:2525) at it.
"""

import argparse
import asyncio
import logging
import re
import socket
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"
# aiosmtpd logs every connection at INFO; thousands of them would cost the benchmark time.
logging.getLogger("mail.log").setLevel(logging.WARNING)

# The Message-ID header, possibly folded onto the next line. A regular expression on the
# header block costs a few microseconds; the email parser, 0.2 ms of the benchmark's CPU.
_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(?:\r?\n[ \t]+)?(<[^>\r\n]*>)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class ReceivedMessage:
    """One message the sink accepted, as it came over the wire."""

    mail_from: str
    recipients: tuple[str, ...]
    message_id: str | None
    raw: bytes
    received_at: float  # time.monotonic()

    def parsed(self):
        """The message as an :class:`email.message.EmailMessage` (headers, parts)."""
        return message_from_bytes(self.raw, policy=default_policy)


@dataclass(frozen=True)
class Refusal:
    """A command the sink refused: at "MAIL" (the sender), "RCPT" (one address) or "DATA" (the whole message)."""

    stage: str
    recipients: tuple[str, ...]
    message_id: str | None
    reply: str


def message_id_of(raw: bytes) -> str | None:
    end = raw.find(b"\r\n\r\n")
    match = _MESSAGE_ID.search(raw, 0, end if end >= 0 else len(raw))
    return match.group(1).decode("ascii", "replace") if match else None


class _Handler:
    """aiosmtpd handler: runs in the server thread; hands everything to the sink."""

    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        reply = self.sink._sender_reply(address)
        if reply is None:
            envelope.mail_from = address
            envelope.mail_options.extend(mail_options)
            return "250 OK"
        return reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.sink._recipient_reply(address)
        if reply is None:
            envelope.rcpt_tos.append(address)
            return "250 OK"
        return reply

    async def handle_DATA(self, server, session, envelope):
        return await self.sink._data_reply(envelope)


class _Controller(Controller):
    """A Controller on a socket bound beforehand, so that port 0 means "any free port" without a race."""

    def __init__(self, handler, *, sock: socket.socket, **kwargs):
        self._sock = sock
        super().__init__(handler, hostname=HOST, port=sock.getsockname()[1], **kwargs)

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)


class SmtpSink:
    """An SMTP server on 127.0.0.1 that accepts (or refuses, when told) and records every message."""

    def __init__(self, port: int = 0, *, delay_seconds: float = 0.0):
        self.requested_port = port
        # Seconds to wait before answering each DATA: a slower mail server, e.g. to widen the
        # window in which a worker can be caught mid-batch.
        self.delay_seconds = delay_seconds
        self.on_message = None  # callable(ReceivedMessage, count) in the server thread, before the 250
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._messages: list[ReceivedMessage] = []
        self._refusals: list[Refusal] = []
        self._refused_recipients: dict[str, str] = {}
        self._sender_refusal: str | None = None
        self._data_refusals_left = 0
        self._data_refusal_reply = ""
        self._controller = None
        self.port = None

    # --- Life ---------------------------------------------------------------------

    def start(self) -> "SmtpSink":
        # proto=IPPROTO_TCP, as asyncio's own listeners have: only then does asyncio set TCP_NODELAY
        # on accepted connections; without it each multi-line reply (EHLO) waits 40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, self.requested_port))
        sock.listen(128)
        sock.setblocking(False)
        self.port = sock.getsockname()[1]
        # server_hostname: otherwise aiosmtpd asks the resolver for this machine's FQDN.
        self._controller = _Controller(_Handler(self), sock=sock, server_hostname="smtp-sink.localhost")
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> "SmtpSink":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """For EMAIL_URL (django-environ): Django's SMTP backend, no TLS, no login."""
        return f"smtp://{HOST}:{self.port}"

    def django_environment(self) -> dict:
        """Environment variables that send a worker's email here, with either way of setting it."""
        return {
            "EMAIL_URL": self.url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": str(self.port),
        }

    # --- What the server answers ----------------------------------------------------

    def refuse_recipient(self, address: str, reply: str = "550 5.1.1 No such mailbox") -> None:
        with self._lock:
            self._refused_recipients[address.lower()] = reply

    def refuse_senders(self, reply: str | None = "550 5.7.1 Sender not authorized") -> None:
        """Answer every MAIL FROM with ``reply`` (None: accept again): trouble with the sender, not a recipient."""
        with self._lock:
            self._sender_refusal = reply

    def refuse_next_messages(self, count: int, reply: str = "451 4.3.0 Try again later") -> None:
        with self._lock:
            self._data_refusals_left = count
            self._data_refusal_reply = reply

    def _sender_reply(self, address: str) -> str | None:
        with self._changed:
            reply = self._sender_refusal
            if reply is not None:
                self._refusals.append(Refusal("MAIL", (), None, reply))
                self._changed.notify_all()
            return reply

    def _recipient_reply(self, address: str) -> str | None:
        with self._changed:
            reply = self._refused_recipients.get(address.lower())
            if reply is not None:
                self._refusals.append(Refusal("RCPT", (address,), None, reply))
                self._changed.notify_all()
            return reply

    async def _data_reply(self, envelope) -> str:
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        message_id = message_id_of(raw)
        recipients = tuple(envelope.rcpt_tos)
        with self._changed:
            if self._data_refusals_left > 0:
                self._data_refusals_left -= 1
                reply = self._data_refusal_reply
                self._refusals.append(Refusal("DATA", recipients, message_id, reply))
                self._changed.notify_all()
                return reply
            message = ReceivedMessage(envelope.mail_from, recipients, message_id, raw, time.monotonic())
            self._messages.append(message)
            count = len(self._messages)
            self._changed.notify_all()
        if self.on_message is not None:
            self.on_message(message, count)
        return "250 OK"

    # --- What it received -------------------------------------------------------------

    @property
    def messages(self) -> list[ReceivedMessage]:
        with self._lock:
            return list(self._messages)

    @property
    def refusals(self) -> list[Refusal]:
        with self._lock:
            return list(self._refusals)

    def count(self) -> int:
        with self._lock:
            return len(self._messages)

    def wait_for(self, count: int, timeout: float) -> bool:
        """Wait until at least ``count`` messages were accepted; False after ``timeout`` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self._messages) >= count, timeout=timeout)

    def wait_until(self, predicate, timeout: float) -> bool:
        """Wait until ``predicate(sink)`` is true, re-checked at each message or refusal and every 0.2 s."""
        deadline = time.monotonic() + timeout
        while not predicate(self):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._changed:
                self._changed.wait(timeout=min(remaining, 0.2))
        return True

    def message_ids_by_recipient(self) -> dict[str, list[str | None]]:
        """Every Message-ID each recipient received, a re-sent one as often as it came."""
        received = defaultdict(list)
        for message in self.messages:
            for recipient in message.recipients:
                received[recipient.lower()].append(message.message_id)
        return dict(received)

    def duplicate_count(self) -> int:
        """Messages received again with a Message-ID already received (what a crash mid-send can cause)."""
        counts = Counter(message.message_id for message in self.messages)
        return sum(n - 1 for n in counts.values() if n > 1)

    def reset(self) -> None:
        with self._lock:
            self._messages.clear()
            self._refusals.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description="A local SMTP sink that counts what it receives.")
    parser.add_argument("--port", type=int, default=2525)
    arguments = parser.parse_args()
    with SmtpSink(arguments.port) as sink:
        print(f"SMTP sink on {sink.url} (EMAIL_URL={sink.url}); Ctrl-C stops it", flush=True)
        last = -1
        try:
            while True:
                time.sleep(1)
                count = sink.count()
                if count != last:
                    print(f"{count} messages, {sink.duplicate_count()} with a Message-ID seen before", flush=True)
                    last = count
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
