from __future__ import annotations

import pytest

from app.settings import Settings


def test_settings_defaults_bind_loopback() -> None:
    settings = Settings.from_env({})
    assert (settings.host, settings.port, settings.max_sessions, settings.max_watchers) == ("127.0.0.1", 8000, 500, 300)
    assert settings.idle_seconds == 1800


def test_settings_read_from_environment() -> None:
    settings = Settings.from_env({"PLAYGROUND_PORT": "9001", "PLAYGROUND_MAX_FPS": "30", "OTHER": "x"})
    assert settings.port == 9001 and settings.max_fps == 30.0


def test_settings_bad_value_names_the_variable() -> None:
    with pytest.raises(ValueError, match="PLAYGROUND_MAX_SESSIONS"):
        Settings.from_env({"PLAYGROUND_MAX_SESSIONS": "many"})
