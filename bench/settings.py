"""Production settings for the benchmark's Daphne workers, minus what needs a proxy or a build.

``DEBUG=0`` as in production (no query log kept in memory); HTTPS redirect off because the
benchmark speaks plain HTTP on loopback; plain static storage so no ``collectstatic`` run
(and its compression of viewflow's 49 MB of assets) is needed before each run.
"""

import os

os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from project.settings import *  # noqa: E402,F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if os.environ.get("YISHI_BENCH_LAYER") == "channels-pubsub":
    # Comparison: channels-redis's own pub/sub layer, without our reset-on-reconnect and
    # decode-once subclass (deliberation/live/layer.py).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [os.environ["REDIS_URL"]]},
        }
    }
