"""PostgreSQL going away during traffic: a clean 503 while it is gone, service again after, nothing half-written.

The real PostgreSQL is shared with other tests, so it is never stopped: the site
reaches it through a small TCP proxy that the test cuts (refusing new connections
and breaking live ones, as a restart does) and restores. The site keeps persistent
connections with health checks, as in production (CONN_MAX_AGE, CONN_HEALTH_CHECKS):
the broken ones must be noticed and replaced, not answered with errors.
"""

import itertools
import socket
import threading
import time

import pytest
from django.db import connections

from signatories.models import Contact, Signatory, SignOn

from .factories import StatementFactory, TierFactory
from .helpers import organization_post, sign_url
from .pooled_server import csrf_for, pooled_server, request

pytestmark = [pytest.mark.requires_postgres, pytest.mark.django_db(transaction=True)]


class CuttableProxy:
    """Forwards TCP connections from a local port to ``target``; ``cut()`` and ``restore()`` it like a restart."""

    def __init__(self, target):
        self.target = target
        self.port = None
        self.pairs = set()
        self.lock = threading.Lock()
        self.listener = None
        self.acceptor = None
        self.restore()

    def restore(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(128)
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self.listener = listener
        self.acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self.acceptor.start()

    def cut(self):
        """Refuse new connections and break every open one, as a database going down does."""
        listener, self.listener = self.listener, None
        listener.close()
        self.acceptor.join(timeout=5)
        with self.lock:
            pairs, self.pairs = self.pairs, set()
        for pair in pairs:
            for end in pair:
                self._close(end)

    def _accept(self, listener):
        while self.listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                self._close(client)
                continue
            pair = (client, upstream)
            with self.lock:
                self.pairs.add(pair)
            for source, sink in (pair, pair[::-1]):
                threading.Thread(target=self._pump, args=(source, sink, pair), daemon=True).start()

    def _pump(self, source, sink, pair):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self.lock:
                self.pairs.discard(pair)
            for end in pair:
                self._close(end)

    @staticmethod
    def _close(end):
        try:
            end.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        end.close()

    def close(self):
        if self.listener is not None:
            self.cut()


@pytest.fixture
def database_through_proxy():
    """New database connections of every thread go through a CuttableProxy; the test's own stays direct."""
    settings_dict = connections["default"].settings_dict
    connections["default"].ensure_connection()
    target = (settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432))
    proxy = CuttableProxy(target)
    saved = settings_dict["HOST"], settings_dict["PORT"]
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", str(proxy.port)
    try:
        yield proxy
    finally:
        settings_dict["HOST"], settings_dict["PORT"] = saved
        proxy.close()


@pytest.fixture
def open_statement():
    statement = StatementFactory()
    TierFactory(statement=statement)
    return statement


# itertools.count, unlike a generator, may be advanced from several threads at once.
numbers = itertools.count()


def sign_on(server, statement, token, cookies):
    number = next(numbers)
    name = f"Outage Test Organization {number}"
    data = {
        "csrfmiddlewaretoken": token,
        **organization_post(name=name, website="", contact_email=f"contact{number}@outage.example"),
    }
    return name, request(server.port, "POST", sign_url(statement), data=data, cookies=cookies, timeout=30)


def assert_clean_503(answer):
    assert answer.status == 503
    assert answer.headers["retry-after"] == "30"
    assert "Nothing you sent was half-saved" in answer.body
    assert "Traceback" not in answer.body


def test_database_restart_during_traffic_answers_503_then_recovers_with_nothing_half_written(
    database_through_proxy, open_statement, mailoutbox
):
    settings_dict = connections["default"].settings_dict
    # As in production: persistent connections, checked before reuse.
    assert settings_dict["CONN_MAX_AGE"] > 0 and settings_dict["CONN_HEALTH_CHECKS"]
    proxy = database_through_proxy
    accepted, outcomes = [], []

    with pooled_server(workers=4) as server:
        cookies, token = csrf_for(server.port, open_statement.get_absolute_url())
        for _ in range(6):
            name, answer = sign_on(server, open_statement, token, cookies)
            assert answer.status == 302
            accepted.append(name)

        # Traffic keeps arriving from several clients while the database goes down and comes back.
        stop = threading.Event()

        def client():
            while not stop.is_set():
                outcomes.append(sign_on(server, open_statement, token, cookies))

        clients = [threading.Thread(target=client, daemon=True) for _ in range(4)]
        for thread in clients:
            thread.start()
        time.sleep(1.0)
        proxy.cut()
        time.sleep(0.5)

        # While it is down, every request gets the clean 503 page, and nothing of it is saved.
        during = [sign_on(server, open_statement, token, cookies) for _ in range(4)]
        page = request(server.port, "GET", open_statement.get_absolute_url())
        for _, answer in [*during, (None, page)]:
            assert_clean_503(answer)

        proxy.restore()
        time.sleep(1.0)
        stop.set()
        for thread in clients:
            thread.join(timeout=60)

        # After it is back, the pooled connections broken by the cut are replaced: no request fails.
        after = [sign_on(server, open_statement, token, cookies) for _ in range(8)]
        assert [answer.status for _, answer in after] == [302] * 8
        accepted += [name for name, _ in after]
        assert request(server.port, "GET", open_statement.get_absolute_url()).status == 200

        # A restart between two requests: every worker's idle connection is dead, and no
        # request has seen an error yet. The health check finds out before the page uses it.
        proxy.cut()
        proxy.restore()
        quiet = [sign_on(server, open_statement, token, cookies) for _ in range(8)]
        assert [answer.status for _, answer in quiet] == [302] * 8
        accepted += [name for name, _ in quiet]

    assert {answer.status for _, answer in outcomes} <= {302, 503}
    assert any(answer.status == 503 for _, answer in outcomes), "the cut hit no request in flight"
    for _, answer in outcomes:
        if answer.status == 503:
            assert_clean_503(answer)
    accepted += [name for name, answer in outcomes if answer.status == 302]

    saved = set(Signatory.objects.values_list("name", flat=True))
    # Every accepted sign-on is there, nothing refused while the database was away is.
    assert set(accepted) <= saved
    assert not saved & {name for name, _ in during}
    # Nothing half-written: each signatory saved has its sign-on, holding the address that awaits
    # confirmation, as one transaction wrote them (the contact comes with the confirmation).
    assert SignOn.objects.count() == Signatory.objects.count() == len(saved)
    assert not Signatory.objects.filter(sign_ons=None).exists()
    assert not SignOn.objects.filter(pending_email="").exists()
    assert not Contact.objects.exists()
