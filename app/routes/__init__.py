"""Routers: pages, the REST API, the websocket."""
