"""Settings for the benchmark: production settings plus a bare "hello world" view.

Everything comes from ``advocacy.settings`` (read from the environment exactly as in
production); only the URLconf changes, to add ``/__bench__/hello/``, the baseline
every figure is compared to (the production URLs never contain it), and the rate
limits are off (below).
"""

from advocacy.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The sign-on case posts thousands of sign-ons from 127.0.0.1 and one email domain:
# the rate limits would answer most of them with 429. The benchmark measures the
# sign-on itself, so it runs without them (the spam checks stay on).
RATE_LIMITS_ENABLED = False
# For the same reason it posts every sign-on with one form stamp, which is otherwise good
# for one submission; the other spam checks stay on.
SPAM_PROTECTION_SINGLE_USE_STAMPS = False
