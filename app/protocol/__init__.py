"""The websocket protocol and the one table of session commands (REST and websocket alike)."""
