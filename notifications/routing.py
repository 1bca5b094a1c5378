"""WebSocket routes (channels)."""

websocket_urlpatterns: list = []
