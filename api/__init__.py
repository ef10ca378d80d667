"""The API for partners and machines: what the public site shows, as JSON, described by OpenAPI.

A page app like public_site and staff: it stands on the core apps and imports neither
of them. Django REST Framework gives the views, cursor pagination and (later) keys and
throttling; drf-spectacular writes the OpenAPI description from the serializers, so the
description cannot drift from the responses. docs/api.md is the partner's guide.
"""
