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


def test_settings_storage_defaults_keep_sessions_30_days_in_sqlite() -> None:
    settings = Settings.from_env({})
    assert (settings.data_dir, settings.redis_url, settings.keep_days) == ("data", "", 30.0)
    assert (settings.snapshot_seconds, settings.lease_seconds) == (2.0, 5.0)


def test_settings_storage_read_from_environment() -> None:
    environ = {"PLAYGROUND_REDIS_URL": "redis://10.0.0.5:6379/2", "PLAYGROUND_KEEP_DAYS": "7"}
    settings = Settings.from_env({**environ, "PLAYGROUND_DATA_DIR": "/srv/pg"})
    assert (settings.redis_url, settings.keep_days, settings.data_dir) == ("redis://10.0.0.5:6379/2", 7.0, "/srv/pg")
