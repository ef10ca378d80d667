"""Settings for the benchmark: production settings plus a bare "hello world" view.

Everything comes from ``advocacy.settings`` (read from the environment exactly as in
production); only the URLconf changes, to add ``/__bench__/hello/``, the baseline
every figure is compared to. The production URLs never contain it.
"""

from advocacy.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
