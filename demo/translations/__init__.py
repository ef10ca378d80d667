"""The demo campaign in the site's other languages: the campaign, its joint statement, concerns, demands and tiers.

The coalitions in the seeds work in Spanish, Portuguese, French and Arabic; the demo
ships the joint statement in each of them (``/es/…``, ``/fr/…``, ``/pt/…``, ``/ar/…``),
so that a translated page, right to left in Arabic, can be read beside the English
original. The two statements issued by states stay in English only: their pages show
the fallback to the original language. Concerns and demands are listed in the seed's
order. Each language is a module holding ``CAMPAIGN`` and ``JOINT_STATEMENT`` (fields
and their text), ``CONCERNS`` and ``DEMANDS`` (texts in order), ``DEMANDS_ADDRESSED_TO``
and ``TIERS`` (names in order).
"""

from . import ar, es, fr, pt

BY_LANGUAGE = {"es": es, "fr": fr, "pt": pt, "ar": ar}
