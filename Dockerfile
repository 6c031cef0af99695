# Production image for civicportal: gunicorn for the web, the same image runs Celery.
# See docs/deploy.md; docker-compose.yml wires it to PostGIS and Redis.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=civicportal.settings \
    DATA_DIR=/app/var

# GeoDjango needs GDAL, GEOS and PROJ (binutils lets ctypes find them); SpatiaLite for the
# embedded database; gettext for compilemessages.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        gdal-bin libsqlite3-mod-spatialite gettext binutils libproj25 libgeos-c1v5 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Translations and static files are baked into the image. config.py refuses to start with
# DEBUG off unless SECRET_KEY, ALLOWED_HOSTS and SITE_URL are set, so collectstatic gets
# throwaway values for this one command only; they never reach the running containers.
# The code stays owned by root (read-only for the app); only /app/var is the app's.
RUN python manage.py compilemessages --ignore=.venv \
    && DEBUG=0 \
       SECRET_KEY=build-only-not-secret-collectstatic-0123456789abcdefghijklmnopqrstuvwxyz \
       ALLOWED_HOSTS=localhost \
       SITE_URL=https://localhost \
       python manage.py collectstatic --noinput \
    && find /app/var -mindepth 1 -maxdepth 1 ! -name staticfiles -exec rm -rf {} + \
    && useradd --system --create-home --home-dir /home/civicportal --shell /usr/sbin/nologin civicportal \
    && mkdir -p /app/var/media /app/var/beat /app/var/mail \
    && chown civicportal:civicportal /app/var /app/var/media /app/var/beat /app/var/mail

# Uploads, the beat schedule and mail files go on volumes mounted at /app/var/media,
# /app/var/beat and /app/var/mail (see docker-compose.yml). /app/var/staticfiles is part of
# the image: never mount a volume over /app/var itself, it would hide the static files.

USER civicportal
EXPOSE 8000

CMD ["gunicorn", "civicportal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
