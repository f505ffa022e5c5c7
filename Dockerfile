FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . \
    && useradd --system --home /app neuromatch \
    && DEBUG=false ALLOWED_HOSTS=build SECRET_KEY=build-time-only-collectstatic-key-never-used-to-serve-requests \
       python manage.py collectstatic --no-input \
    && chown -R neuromatch /app/staticfiles

USER neuromatch
EXPOSE 8000
# Refuse to start with a setting that fails users (e.g. no e-mail server): check --deploy errors.
# gunicorn's access and error logs go through neuromatch.logs (reset links redacted).
CMD ["sh", "-c", "python manage.py check --deploy --fail-level ERROR && python manage.py migrate --no-input && exec gunicorn -c python:neuromatch.gunicorn_conf neuromatch.wsgi:application"]
