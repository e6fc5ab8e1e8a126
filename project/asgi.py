"""ASGI entry point: HTTP through Django, websockets through the live consumer."""

import gc
import os

import django
from django.core.handlers.asgi import ASGIHandler

from project.asgi_handler import LanedASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
django.setup(set_prefix=False)  # before importing anything that touches models
# YISHI_HTTP_THREADS=0: Django's own handler (a new thread, so a new connection, per request).
django_asgi_app = (
    ASGIHandler() if os.environ.get("YISHI_HTTP_THREADS") == "0" else LanedASGIHandler()
)

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from deliberation.live.routing import websocket_urlpatterns  # noqa: E402
from project.websocket_origin import SameOriginValidator  # noqa: E402

if os.environ.get("YISHI_INPROCESS_JOBS") == "1":
    # Embedded mode: the in-memory channel layer only reaches this process (README).
    from deliberation.periodic import start_in_process

    start_in_process(float(os.environ.get("YISHI_JOBS_EVERY", "30")))

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# What is loaded by now (Django, the URL conf, translations, the app) lives as long as the
# process: frozen out of the garbage collector, a full collection walks only what requests
# and sockets made since. At 1,000 sockets a full collection paused the worker ~180 ms, a
# delay for every socket at once (docs/benchmarks.md, "GC pauses").
gc.freeze()
