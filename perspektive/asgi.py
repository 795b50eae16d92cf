"""ASGI entry point: HTTP through Django, WebSockets (live chat) through Channels.

Production serves HTTP from a WSGI server and runs this under uvicorn for the WebSocket
paths (DESIGN section 4); development and the demo serve both from here.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perspektive.settings.production")
django_application = get_asgi_application()  # sets up Django before the imports below

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from perspektive.chat.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
