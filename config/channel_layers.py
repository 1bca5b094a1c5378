"""The channel layer of real-time notifications: in-memory on one process, Redis across processes.

Why the Redis connection needs settings of its own: channels-redis waits for a socket's messages with
`BZPOPMIN key 5` (`RedisChannelLayer.brpop_timeout`) and simply asks again when Redis answers "nothing".
redis-py 8 reads every reply within its default `socket_timeout` of 5 seconds — the same 5 seconds — so on
an idle socket the client gives up a moment before Redis answers, `receive()` raises `TimeoutError`, the
consumer dies and the browser's WebSocket is closed with 1011 about 5 s after the last message (redis-py
#4091, channels_redis #422). The socket timeout must therefore stay well above the blocking read.

Capacity: channels-redis queues every message for the sockets of one server process under one Redis key and
drops, silently, what arrives while more than `capacity` (100 by default) wait there. A fan-out of a few hundred
notifications to sockets of one process did exactly that (bench/bench_live.py lost 93 of 1,000): the capacity is
sized for the largest fan-out instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

# Above channels-redis's 5-second blocking read with room for a slow network or a busy Redis; still short
# enough that a Redis that stopped answering is noticed (the read fails, the socket closes, the browser
# reconnects) within a quarter of a minute.
DEFAULT_SOCKET_TIMEOUT = 15.0
# A pooled connection idle longer than this is PINGed before reuse, so one dropped meanwhile by a firewall
# or by Redis's own `timeout` is replaced instead of failing a push.
DEFAULT_HEALTH_CHECK_INTERVAL = 30
# Messages waiting for one server process's sockets before channels-redis drops new ones: a fan-out to every
# person of a large organization, with room.
DEFAULT_CAPACITY = 5000
# Leeway the read needs beyond the blocking command's own timeout (Redis answers *at* the timeout).
MARGIN = 2.0


def blocking_read_seconds() -> float:
    """How long channels-redis blocks in one BZPOPMIN (read from the installed version, not assumed)."""
    from channels_redis.core import RedisChannelLayer

    return float(RedisChannelLayer.brpop_timeout)


def redis_channel_layer(
    url: str,
    *,
    socket_timeout: float = DEFAULT_SOCKET_TIMEOUT,
    health_check_interval: int = DEFAULT_HEALTH_CHECK_INTERVAL,
    capacity: int = DEFAULT_CAPACITY,
) -> dict[str, Any]:
    """CHANNEL_LAYERS["default"] for channels-redis at `url`, refusing a socket timeout the blocking read
    would run into (also one given in the URL's query string, which redis-py lets win over these)."""
    in_url = parse_qs(urlsplit(url).query).get("socket_timeout")
    effective = float(in_url[-1]) if in_url else socket_timeout
    needed = blocking_read_seconds() + MARGIN
    if effective < needed:
        raise ImproperlyConfigured(
            f"The Redis socket timeout ({effective:g} s) must be at least {needed:g} s: channels-redis blocks "
            f"{blocking_read_seconds():g} s in each read, and a shorter timeout closes every idle WebSocket."
        )
    host = {
        "address": url,
        "socket_timeout": socket_timeout,
        "socket_connect_timeout": 5,
        "socket_keepalive": True,
        "health_check_interval": health_check_interval,
    }
    return {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [host], "capacity": capacity}}
