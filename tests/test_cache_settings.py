"""CACHE_URL selects Django's Redis cache; without it each worker keeps its own."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from neuromatch.settings import cache_settings

ROOT = Path(__file__).resolve().parent.parent


def test_without_a_cache_url_each_worker_has_its_own_cache():
    assert cache_settings("", enabled=True)["BACKEND"] == (
        "django.core.cache.backends.locmem.LocMemCache"
    )


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/1", "rediss://:pw@cache.internal:6380/0"])
def test_a_redis_cache_url_selects_django_s_redis_cache(url):
    assert cache_settings(url, enabled=True) == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "TIMEOUT": 600,
        "KEY_PREFIX": "neuromatch",
    }


def test_with_caching_off_the_cache_is_a_dummy_whatever_the_url():
    assert cache_settings("redis://127.0.0.1:6379/1", enabled=False) == {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache"
    }


def test_another_kind_of_cache_url_is_refused():
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must be a redis://"):
        cache_settings("memcached://127.0.0.1:11211", enabled=True)


@pytest.mark.slow  # Django in a subprocess
def test_the_cache_url_reaches_django_s_settings():
    code = "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    env = {**os.environ, "DEBUG": "false", "CACHE_URL": "redis://127.0.0.1:6379/1"}
    env.update(SECRET_KEY="k" * 60, DJANGO_SETTINGS_MODULE="neuromatch.settings")
    env.pop("PAGE_CACHE", None)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache", result.stderr
