import os
import sys

from django.core.wsgi import get_wsgi_application

from core.production import RefusedInProduction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")

# gunicorn's master stops when a worker exits with this status ("App failed to load",
# gunicorn.arbiter.Arbiter.APP_LOAD_ERROR); any other status starts a new worker that would refuse in turn.
APP_LOAD_ERROR = 4

try:
    application = get_wsgi_application()
except RefusedInProduction as refusal:
    # The operator's message, on one line, instead of a traceback in every worker.
    print(refusal, file=sys.stderr, flush=True)
    sys.exit(APP_LOAD_ERROR)
