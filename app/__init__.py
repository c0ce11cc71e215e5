"""The web side: FastAPI app factory, sessions, REST, websocket, pages."""

from app.main import create_app

__all__ = ["create_app"]
