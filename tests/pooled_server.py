"""The site served over real HTTP by a bounded pool of worker threads, as gunicorn serves it in production.

Tests that need real concurrency (many clients at once, connections cut) use it
instead of Django's test client, which runs a request in the caller's thread, or of
the live server, which starts a thread, and so a database connection, per request:
200 at once would exceed PostgreSQL's max_connections. Each worker keeps its own
database connection (CONN_MAX_AGE and health checks apply as in production) and
closes it when the server stops.
"""

import http.client
import json
import queue
import threading
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.db import connections


class QuietRequestHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class PooledWSGIServer(WSGIServer):
    """Accepts connections on one thread and serves them on ``workers`` threads."""

    # Clients released together all connect at once: the kernel must queue them.
    request_queue_size = 1024

    def __init__(self, workers):
        super().__init__(("127.0.0.1", 0), QuietRequestHandler)
        self.set_app(WSGIHandler())
        self.pending = queue.Queue()
        self.workers = [threading.Thread(target=self._work, daemon=True) for _ in range(workers)]
        for worker in self.workers:
            worker.start()
        self.acceptor = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.acceptor.start()

    @property
    def port(self):
        return self.server_address[1]

    def process_request(self, request, client_address):
        self.pending.put((request, client_address))

    def _work(self):
        try:
            while (item := self.pending.get()) is not None:
                request, client_address = item
                try:
                    self.finish_request(request, client_address)
                except Exception:
                    self.handle_error(request, client_address)
                finally:
                    self.shutdown_request(request)
        finally:
            connections.close_all()

    def stop(self):
        self.shutdown()
        for _ in self.workers:
            self.pending.put(None)
        for worker in self.workers:
            worker.join(timeout=30)
        self.server_close()


@contextmanager
def pooled_server(workers=8):
    server = PooledWSGIServer(workers)
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Answer:
    status: int
    headers: dict
    body: str
    set_cookies: list


def request(port, method, path, *, data=None, cookies=None, timeout=60):
    """One HTTP request on its own connection; redirects are not followed."""
    body = urllib.parse.urlencode(data) if data is not None else None
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        raw_headers = response.getheaders()
        return Answer(
            response.status,
            {name.lower(): value for name, value in raw_headers},
            response.read().decode("utf-8", "replace"),
            [value for name, value in raw_headers if name.lower() == "set-cookie"],
        )
    finally:
        connection.close()


def csrf_for(port, path):
    """The CSRF cookie and form token a browser gets by loading ``path``."""
    answer = request(port, "GET", path)
    assert answer.status == 200, answer.status
    cookie = next(
        value.split(";", 1)[0].split("=", 1)[1] for value in answer.set_cookies if value.startswith("csrftoken=")
    )
    token = answer.body.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    return {"csrftoken": cookie}, token


def post_all_at_once(port, path, payloads, *, cookies):
    """POST each payload from its own client thread, all released together; the answers, in order."""
    barrier = threading.Barrier(len(payloads))
    answers = [None] * len(payloads)
    errors = []

    def client(index, payload):
        try:
            barrier.wait(timeout=60)
            answers[index] = request(port, "POST", path, data=payload, cookies=cookies, timeout=120)
        except Exception as error:  # reported below: a client thread must not swallow it
            errors.append(repr(error))

    threads = [threading.Thread(target=client, args=(i, p), daemon=True) for i, p in enumerate(payloads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not errors, json.dumps(errors[:5])
    return answers
