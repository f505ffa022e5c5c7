"""gunicorn settings for production: `gunicorn -c python:neuromatch.gunicorn_conf neuromatch.wsgi`.

The access and error logs go through the same redaction as Django's logs, so a reset or
verification link in a request line or an error message is never written.
"""

import os

from gunicorn.glogging import Logger

from neuromatch.logs import RedactSecrets


class RedactingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(existing, RedactSecrets) for existing in log.filters):
                log.addFilter(RedactSecrets())


bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 60
accesslog = "-"
logger_class = RedactingLogger
