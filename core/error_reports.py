"""Error reports and logs without personal data.

Everything that leaves the site about an error goes through one rule, here: the emails
Django sends to ADMINS, the log lines (web and workers), and the events sent to an
error tracker (Sentry, only when SENTRY_DSN is set).

- A value under a name that looks personal (``email``, ``name``, ``token``… see
  PERSONAL_NAMES) is starred out whole: form fields, query parameters, local
  variables of each frame, URL arguments.
- In any other text (a log message, an exception's message, a URL, the repr of a
  variable), email addresses and link tokens are starred out where they appear: signed
  values (django.core.signing, the confirmation, private, invitation and unsubscribe
  links) and URL arguments named like a token (the press kit preview link).

Django already hides passwords, keys and cookies; a sign-on also carries names,
addresses and affiliations, and a signer's private link is a bearer token.
"""

import logging
import re
from typing import Any

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

SUBSTITUTE = SafeExceptionReporterFilter.cleansed_substitute

PERSONAL_NAMES = re.compile(
    r"email|name|contact|phone|address|note|title|affiliation|login|password|token|code|secret|"
    r"signatory|sign_on|details|profile|invitee|user",
    flags=re.IGNORECASE,
)
# An address as typed, or percent-encoded in a URL's query string.
EMAIL_ADDRESSES = re.compile(r"[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+")
# django.core.signing.dumps(): payload[:timestamp]:signature, the signature 43 base64 characters
# (HMAC-SHA256). Every link token but the press kit preview's is one.
SIGNED_VALUES = re.compile(r"\.?[\w-]+(?::[\w-]+)*:[\w-]{43}(?![\w-])")
# A site path in a longer text ("Internal Server Error: /fr/signature/…/", a repr), or a URL's.
PATHS = re.compile(r"(?:(?P<origin>https?://[^/\s\"'<>]+)|(?<![\w/:]))(?P<path>/[^\s\"'<>?#]*)")
# A query parameter: "?email=…&token=…".
QUERY_PARAMETERS = re.compile(r"(?<=[?&;])(?P<name>[^=&;\s\"'<>#]+)=(?P<value>[^&;\s\"'<>#]*)")


def _url_arguments(path: str) -> dict:
    """The arguments of the site's URL ``path`` (in whichever language prefix it has); {} if it is none."""
    first_segment = path.lstrip("/").split("/", 1)[0]
    language = first_segment if first_segment in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            return resolve(path).kwargs
    except Resolver404:
        return {}
    except Exception:
        # Scrubbing runs inside logging and error reporting: an URLconf that cannot be read yet (a line
        # logged while it is imported) must not turn a log line into an error. Signed tokens and
        # addresses are still starred by their patterns.
        return {}


def scrub_path(path: str) -> str:
    """``path`` with each URL argument named like personal data (a link's token) starred out."""
    for name, value in _url_arguments(path).items():
        if PERSONAL_NAMES.search(name) and isinstance(value, str) and value:
            path = path.replace(value, SUBSTITUTE)
    return path


def scrub_text(text: str) -> str:
    """``text`` with email addresses, signed link tokens and token URL arguments starred out."""
    if not text:
        return text
    text = EMAIL_ADDRESSES.sub(SUBSTITUTE, text)
    text = SIGNED_VALUES.sub(SUBSTITUTE, text)
    if "/" in text:
        text = PATHS.sub(lambda match: (match["origin"] or "") + scrub_path(match["path"]), text)
    if "=" in text:
        text = QUERY_PARAMETERS.sub(
            lambda match: f"{match['name']}={SUBSTITUTE if PERSONAL_NAMES.search(match['name']) else match['value']}",
            text,
        )
    return text


def scrub(value: Any, name: str = "") -> Any:
    """``value`` with personal data starred out: whole under a personal ``name``, texts by scrub_text,
    dictionaries by key and value, lists and tuples item by item; anything else as it is."""
    if name and PERSONAL_NAMES.search(name):
        return SUBSTITUTE
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: scrub(item, str(key)) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub(item) for item in value)
    return value


class PersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's error reports (DEFAULT_EXCEPTION_REPORTER_FILTER): form fields and frame variables."""

    def _cleanse(self, values):
        values = values.copy()
        for key in values:
            values[key] = scrub(values[key], key)
        return values

    def get_post_parameters(self, request):
        parameters = super().get_post_parameters(request)
        return self._cleanse(parameters) if self.is_active(request) and parameters else parameters

    def get_cleansed_multivaluedict(self, request, multivaluedict):
        multivaluedict = super().get_cleansed_multivaluedict(request, multivaluedict)
        return self._cleanse(multivaluedict) if self.is_active(request) else multivaluedict

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        if not self.is_active(request):
            return variables
        return [(name, SUBSTITUTE if PERSONAL_NAMES.search(name) else value) for name, value in variables]


class _ReportedRequest:
    """What the text report reads from the request itself (its title line and method), path scrubbed."""

    def __init__(self, request):
        self.path_info = scrub_path(request.path_info)
        self.META = {"REQUEST_METHOD": request.META.get("REQUEST_METHOD", "")}


class PersonalDataExceptionReporter(ExceptionReporter):
    """Django's error reports (DEFAULT_EXCEPTION_REPORTER): what the filter leaves as text (the URL,
    query parameters, the exception's message, the repr of each frame variable, the signed-in user)."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if not self.filter.is_active(self.request):
            return data
        for frame in data.get("frames", []):
            if "vars" in frame:
                frame["vars"] = [(name, scrub(value, name)) for name, value in frame["vars"]]
            frame["exc_cause"] = scrub_text(str(frame["exc_cause"])) if frame.get("exc_cause") else None
        for key in ("exception_value", "exception_notes", "user_str", "request_insecure_uri"):
            if data.get(key):
                data[key] = scrub_text(str(data[key]))
        if self.request is not None:
            data["request"] = _ReportedRequest(self.request)
            data["request_meta"] = scrub(dict(data["request_meta"]))
            data["request_GET_items"] = [(key, scrub(value, key)) for key, value in data["request_GET_items"]]
            data["filtered_POST_items"] = [(key, scrub(value, key)) for key, value in data["filtered_POST_items"]]
        return data


class PersonalDataLogFilter(logging.Filter):
    """Log lines (settings.LOGGING's handlers, the Celery worker's): the message and the traceback scrubbed.

    Services log ids, never contact details; what they cannot control is scrubbed here: the path
    of a failed request ("Internal Server Error: /signature/<token>/"), an exception's message.
    """

    def filter(self, record):
        message = record.getMessage()
        scrubbed = scrub_text(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        if record.exc_info and not record.exc_text:
            # Formatters use exc_text when it is set: the traceback is formatted once, here, scrubbed.
            record.exc_text = scrub_text(logging.Formatter().formatException(record.exc_info))
        return True


def scrub_event(event: dict, hint: dict) -> dict:
    """Sentry's before_send: an event as the rules above would report it.

    send_default_pii=False already leaves out cookies, the user and their IP address; the request
    body, the URL, headers, exception messages, frame variables, log messages and breadcrumbs are
    scrubbed here.
    """
    request = event.get("request")
    if request:
        if isinstance(request.get("url"), str):
            request["url"] = scrub_text(request["url"])
        if isinstance(request.get("query_string"), str):
            request["query_string"] = scrub_text("?" + request["query_string"])[1:]
        for key in ("data", "headers", "env"):
            if key in request:
                request[key] = scrub(request[key])
    for exception in (event.get("exception") or {}).get("values", []):
        if exception.get("value"):
            exception["value"] = scrub_text(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            if "vars" in frame:
                frame["vars"] = scrub(frame["vars"])
    for thread in (event.get("threads") or {}).get("values", []):
        for frame in (thread.get("stacktrace") or {}).get("frames", []):
            if "vars" in frame:
                frame["vars"] = scrub(frame["vars"])
    logentry = event.get("logentry")
    if logentry:
        for key in ("message", "formatted"):
            if isinstance(logentry.get(key), str):
                logentry[key] = scrub_text(logentry[key])
        if "params" in logentry:
            logentry["params"] = scrub(logentry["params"])
    if isinstance(event.get("message"), str):
        event["message"] = scrub_text(event["message"])
    if isinstance(event.get("transaction"), str):
        event["transaction"] = scrub_text(event["transaction"])
    for breadcrumb in (event.get("breadcrumbs") or {}).get("values", []):
        if isinstance(breadcrumb.get("message"), str):
            breadcrumb["message"] = scrub_text(breadcrumb["message"])
        if "data" in breadcrumb:
            breadcrumb["data"] = scrub(breadcrumb["data"])
    if "extra" in event:
        event["extra"] = scrub(event["extra"])
    return event


def start_error_tracker(*, dsn: str, environment: str, **options) -> None:
    """Send errors to Sentry (or a Sentry-compatible tracker such as GlitchTip), scrubbed by scrub_event.

    Called from the settings, and only when SENTRY_DSN is set: without it, sentry-sdk is not started.
    ``options`` go to sentry_sdk.init (the tests pass a transport that keeps the events).
    """
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        # What send_default_pii=False means (sentry-sdk 2.7x deprecates that option for this one), and no
        # cookies at all: no user, no client address, no SQL parameters. Request bodies, headers and
        # frame variables are kept, for the field names and the code path; scrub_event stars out the rest.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "denylist", "terms": ["forwarded", "-ip", "remote-", "via", "-user"]}},
            "url_query_params": {"mode": "denylist", "terms": ["forwarded", "-ip", "remote-", "via", "-user"]},
            "graphql": {"document": False, "variables": False},
            "gen_ai": {"inputs": False, "outputs": False},
            "database_query_data": False,
            "queues": False,
        },
        before_send=scrub_event,
        # Errors only: no performance traces (each would carry URLs and queries to scrub too).
        traces_sample_rate=0,
        **options,
    )
