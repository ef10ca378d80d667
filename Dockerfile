# The production image: gunicorn serves the site; the same image runs the Celery
# worker and beat (see docker-compose.yml). Settings come from the environment.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A CJK font for Chinese, Japanese and Korean names in the signed letter (the settings
# find it; DejaVu Sans, shipped with the code, covers the other scripts).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-zenhei \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 advocacy
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

# The project's code, named one by one so that a local .venv, db.sqlite3 or
# var/mail (contact details) never ends up in an image.
COPY manage.py ./
COPY advocacy/ advocacy/
COPY core/ core/
COPY accounts/ accounts/
COPY campaigns/ campaigns/
COPY demo/ demo/
COPY signatories/ signatories/
COPY mailings/ mailings/
COPY privacy/ privacy/
COPY presskit/ presskit/
COPY outreach/ outreach/
COPY integrations/ integrations/
COPY public_site/ public_site/
COPY staff/ staff/
COPY api/ api/
COPY templates/ templates/
COPY static/ static/
COPY locale/ locale/

# collectstatic imports the production settings (for the hashed, compressed static files),
# which refuse an insecure key and the services this build step has none of: the dummy key
# and ALLOW_IN_PRODUCTION exist only in this step, never in the running container.
RUN ADVOCACY_ENV=production \
    SECRET_KEY=build-time-only-dummy-key-for-collectstatic-not-a-secret \
    ALLOWED_HOSTS=build \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    ALLOW_IN_PRODUCTION=site-url,sqlite,eager-tasks,local-cache,local-email \
    python manage.py collectstatic --noinput \
    && pybabel compile --domain django --directory locale \
    && mkdir -p var/mail var/media \
    && chown -R advocacy:advocacy var

USER advocacy
EXPOSE 8000
CMD ["gunicorn", "advocacy.wsgi:application", "--preload", "--bind", "0.0.0.0:8000", "--workers", "3"]
