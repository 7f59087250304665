"""Redis as an optimisation, never a dependency: a cache backend that answers
as an empty cache while Redis cannot be reached.

Django's Redis backend raises when Redis is stopped or hung, and every
request that touches the cache fails with it. ``ResilientRedisCache`` waits
briefly (short socket timeouts), then for ``RETRY_AFTER`` seconds does not
ask again: reads miss, writes are dropped, so pages and API answers are
built fresh. Use it as ``BACKEND`` where Django's ``RedisCache`` would go.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Seconds to wait for Redis to connect or answer, and to leave it alone
# after it did not.
SOCKET_TIMEOUT = 0.25
RETRY_AFTER = 5.0


class ReusedRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one redis-py client a connection pool: Django
    makes one for every cache call, and building its table of response
    callbacks costs more than a round trip to Redis. redis-py's client is
    safe to share between threads (each call takes a pooled connection)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = {
            "socket_connect_timeout": SOCKET_TIMEOUT,
            "socket_timeout": SOCKET_TIMEOUT,
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedRedisCacheClient
        self._down_until = 0.0

    def _call(self, method, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return getattr(super(), method)(*args, **kwargs)
        except (RedisError, OSError) as error:
            self._down_until = time.monotonic() + RETRY_AFTER
            logger.warning(
                "Redis unavailable (%s); the cache misses for %ss", error, RETRY_AFTER
            )
            return fallback

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Stored, or False if Redis could not be reached."""
        return self._call("set", False, key, value, timeout, version) is not False

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def incr(self, key, delta=1, version=None):
        """The new value, or None if Redis could not be reached."""
        return self._call("incr", None, key, delta, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", None)
