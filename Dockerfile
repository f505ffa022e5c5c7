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
CMD ["sh", "-c", "python manage.py migrate --no-input && exec gunicorn neuromatch.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --access-logfile - --timeout 60"]
