"""Keep one-time secrets out of logs.

A password-reset or e-mail verification link works for whoever holds it, so the access log,
runserver's request lines and error reports must not carry it. `RedactSecrets` rewrites every
record passing a handler it is attached to (settings.LOGGING, and gunicorn's access and error
logs in `neuromatch/gunicorn_conf.py`).
"""

import logging
import re
import traceback

REDACTED = "[redacted]"

# The secret path segments: allauth's reset key (`password/reset/key/<uid>-<key>/`), its
# verification key (`confirm-email/<key>/`), the reset links mailed before allauth
# (`password/reset/<uidb64>/<token>/`), a calendar feed's token (`calendar/<token>.ics`) and a
# share link's token (`/s/<token>/`, at the start of a path only).
_SECRETS = re.compile(
    r"(?P<keep>password/reset/key/(?!done/)|confirm-email/)[^/\s?#\"']+"
    r"|(?P<legacy>password/reset/)(?!key/)[^/\s?#\"']+/[^/\s?#\"']+"
    r"|(?P<feed>calendar/)[^/\s?#\"']+(?=\.ics)"
    r"|(?P<share>(?:^|[\s\"'(]|//[^/\s\"']+)/s/)[^/\s?#\"']+"
)


def _replace(match: re.Match) -> str:
    kept = next(text for text in match.groups() if text is not None)
    return kept + REDACTED


def redact(text: str) -> str:
    """`text` with the secret part of every reset or verification link replaced."""
    return _SECRETS.sub(_replace, text)


class RedactSecrets(logging.Filter):
    """Redacts the formatted message and any traceback of each record; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
