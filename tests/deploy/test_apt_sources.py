"""scripts/apt_sources.py: the apt sources the container tests' base is built
from, read from a machine's /etc/apt (here, a folder laid out like one)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def apt_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("apt_sources", ROOT / "scripts" / "apt_sources.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (tmp_path / "sources.list.d").mkdir()
    monkeypatch.setattr(module, "APT", tmp_path)
    return module


def test_apt_sources_reads_deb822_files_and_keeps_the_release_only(apt_sources: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\n"
        "# a comment\n"
        "URIs: http://archive.example/debian\n"
        "Suites: bookworm bookworm-updates\n"
        "Components: main contrib\n"
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
        "\n"
        "Types: deb deb-src\n"
        "URIs: http://archive.example/debian-security\n"
        "Suites: bookworm-security\n"
        "Components: main\n"
        "\n"
        "Types: deb\n"
        "URIs: http://archive.example/debian\n"
        "Suites: trixie\n"  # another release
        "Components: main\n"
        "\n"
        "Enabled: no\n"
        "Types: deb\n"
        "URIs: http://disabled.example/debian\n"
        "Suites: bookworm\n"
        "Components: main\n"
    )
    (tmp_path / "sources.list.d" / "vendor.sources").write_text(
        "Types: deb\nURIs: https://vendor.example/apt\nSuites: nodistro\nComponents: main\n"
        "Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n -----END PGP PUBLIC KEY BLOCK-----\n"
    )
    (tmp_path / "sources.list.d" / "old.list.disabled-by-hand").write_text("deb http://old.example bookworm main\n")
    keyring = "[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]"
    assert apt_sources.sources("bookworm") == [
        f"deb {keyring} http://archive.example/debian bookworm main contrib",
        f"deb {keyring} http://archive.example/debian bookworm-updates main contrib",
        "deb http://archive.example/debian-security bookworm-security main",
    ]


def test_apt_sources_reads_one_line_files(apt_sources: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "sources.list").write_text(
        "# deb http://commented.example/debian bookworm main\n"
        "deb http://archive.example/debian bookworm main # a trailing comment\n"
        "deb-src http://archive.example/debian bookworm main\n"
        "deb [arch=amd64 signed-by=/etc/apt/keyrings/k.gpg] http://security.example/debian-security"
        " bookworm-security main\n"
    )
    (tmp_path / "sources.list.d" / "more.list").write_text(
        "deb http://archive.example/debian bookworm main\n"  # the same entry again: kept once
        "deb http://vendor.example/apt stable main\n"
    )
    assert apt_sources.sources("bookworm") == [
        "deb http://archive.example/debian bookworm main",
        "deb [signed-by=/etc/apt/keyrings/k.gpg] http://security.example/debian-security bookworm-security main",
    ]


def test_apt_sources_finds_nothing_in_an_empty_folder(apt_sources: ModuleType) -> None:
    assert apt_sources.sources("bookworm") == []
