"""docs/api.md is a script: every curl example runs against a real server, in order, and its
answer must have the status, content type, headers and keys that the `# →` line under it shows.
Every endpoint of the OpenAPI schema must have an example.

The format (also described at the top of api.md):

    curl -s -X POST $B/api/sessions -H 'content-type: application/json' -d '{"hash": "seed=0.5"}'
    # → 201 {"id": "...", "control_token": "...", "state": {"epoch": 0, ...}}

After `# →`: the status; then any of a content type (`image/png`), a header (`X-Playground-Effect:
live`), and a JSON answer in which `...` stands for what was left out.  Its keys are checked at
every level shown, and so are its values, but those that differ every run (`VARYING`: ids,
tokens, class codes): a number to the digits the doc writes, a string ending in `...` by its
start, a list by the items it shows.  `ID=...; TOK=...` lines take the newest session an example
above created.  Other lines (variables, files) run as they are.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.main import create_app
from app.settings import Settings
from tests.live_server import LiveServer

API_MD = Path(__file__).resolve().parents[2] / "docs" / "api.md"
EXPECT = re.compile(r"^#\s*→\s*(\d{3})\s*(.*)$")
STATUS_MARK = "@@STATUS@@"


@dataclass
class Step:
    command: str
    line: int
    expect: str | None = None  # the text after "# →"


@dataclass
class Answer:
    status: int
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


def parse_steps(text: str) -> list[Step]:
    """The shell commands of every ```sh block, each with the `# →` line that follows it, if any."""
    steps: list[Step] = []
    lines = text.splitlines()
    i = 0
    in_block = False
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith("```"):
            in_block = not in_block and line.strip() == "```sh"
            continue
        if not in_block or not line.strip():
            continue
        match = EXPECT.match(line.strip())
        if match:
            assert steps and steps[-1].expect is None, f"api.md line {i}: '# →' without a command above it"
            steps[-1].expect = line.strip().split("→", 1)[1].strip()
            continue
        if line.lstrip().startswith("#"):
            continue
        start = i
        command = line
        while command.endswith("\\") or command.count("'") % 2:  # a continued line, an open quote
            command += "\n" + lines[i]
            i += 1
        heredoc = re.search(r"<<\s*'?(\w+)'?", command)
        if heredoc:
            while lines[i] != heredoc.group(1):
                command += "\n" + lines[i]
                i += 1
            command += "\n" + lines[i]
            i += 1
        steps.append(Step(command, start))
    return steps


# New every run: ids, tokens, class codes; and the server's own counts (sessions held, unsaved).
VARYING = {"id", "control_token", "code", "url", "qr_svg", "sessions", "unsaved"}
DOC_PORT = "8000"  # the doc's server; answers that name the port name the test server's


def _json_example(text: str) -> Any:
    text = re.sub(r"\{\s*\.\.\.\s*\}", "{}", text)
    text = re.sub(r"\[\s*\.\.\.\s*\]", "[]", text)
    text = re.sub(r",\s*\.\.\.(?=\s*[}\]])", "", text)
    return json.loads(text, parse_float=Decimal)  # the digits the doc writes


def values_differ(example: Any, actual: Any, where: str = "") -> list[str]:
    """Values the example shows that the answer does not have (see the module's docstring)."""
    if isinstance(example, dict):
        if not isinstance(actual, dict):
            return []  # keys_missing says so
        return [
            problem
            for key, value in example.items()
            if key in actual and key not in VARYING
            for problem in values_differ(value, actual[key], f"{where}.{key}".lstrip("."))
        ]
    if isinstance(example, list):
        if not isinstance(actual, list) or len(actual) < len(example):
            return [f"{where}: {actual!r:.80}, the doc shows {len(example)} items"]
        items = enumerate(zip(example, actual, strict=False))
        return [problem for k, (value, got) in items for problem in values_differ(value, got, f"{where}[{k}]")]
    if isinstance(example, Decimal):
        exponent = example.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) else 0
        same = isinstance(actual, int | float) and round(Decimal(repr(actual)), places) == example
    elif isinstance(example, str) and example.endswith("..."):
        same = isinstance(actual, str) and actual.startswith(example[:-3])
    elif isinstance(example, bool | int) or example is None:
        same = type(actual) is type(example) and actual == example
    else:
        same = actual == example
    return [] if same else [f"{where}: {actual!r:.80}, the doc says {example!r:.80}"]


def keys_missing(example: Any, actual: Any, where: str = "") -> list[str]:
    """Keys the example shows that the answer lacks, at every level the example shows."""
    if isinstance(example, dict):
        if not isinstance(actual, dict):
            return [f"{where or 'answer'} is not an object"]
        missing = [f"{where}.{key}".lstrip(".") for key in example if key not in actual]
        for key, value in example.items():
            if key in actual and isinstance(value, dict | list) and value:
                missing += keys_missing(value, actual[key], f"{where}.{key}")
        return missing
    if isinstance(example, list) and example and isinstance(example[0], dict):
        if not isinstance(actual, list) or not actual:
            return [f"{where} is not a non-empty list"]
        return keys_missing(example[0], actual[0], f"{where}[0]")
    return []


def check(expect: str, answer: Answer) -> list[str]:
    match = EXPECT.match(f"# → {expect}")
    assert match is not None, expect
    problems = []
    status, rest = int(match.group(1)), match.group(2).strip()
    if answer.status != status:
        problems.append(f"status {answer.status}, the doc says {status}: {answer.body[:300]}")
    while rest and not rest.startswith(("{", "[")):
        word, _, rest = rest.partition(" ")
        rest = rest.strip()
        if word.endswith(":"):  # a header: "X-Playground-Effect: live"
            value, _, rest = rest.partition(" ")
            if answer.headers.get(word[:-1].lower()) != value:
                problems.append(f"header {word} {answer.headers.get(word[:-1].lower())!r}, the doc says {value!r}")
        elif not answer.content_type.startswith(word):
            problems.append(f"content type {answer.content_type!r}, the doc says {word!r}")
    if rest:
        try:
            actual = json.loads(answer.body)
        except ValueError:
            return [*problems, f"not JSON: {answer.body[:200]!r}"]
        example = _json_example(rest)
        problems += [f"no key {key!r}" for key in keys_missing(example, actual)]
        problems += values_differ(example, actual)
    return problems


def _curl(command: str, env: dict[str, str], cwd: Path) -> tuple[Answer, str]:
    marked = command.replace("curl ", f"curl -w '%{{stderr}}{STATUS_MARK}%{{http_code}} %{{content_type}}\\n' ", 1)
    done = subprocess.run(["bash", "-c", marked], env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    status_line = done.stderr.rsplit(STATUS_MARK, 1)[-1].strip()
    code, _, content_type = status_line.partition(" ")
    body = done.stdout
    headers: dict[str, str] = {}
    if re.search(r"\s-\w*i\b", command):  # -i: the headers come first
        head, _, body = body.replace("\r\n", "\n").partition("\n\n")
        for header in head.splitlines()[1:]:
            name, _, value = header.partition(":")
            headers[name.strip().lower()] = value.strip()
    output = re.search(r"\s-o\s+(\S+)", command)
    if output:
        path = cwd / output.group(1)
        body = path.read_text(errors="replace") if path.exists() else ""
    return Answer(int(code or 0), content_type, headers, body), done.stderr


def run_steps(steps: list[Step], base_url: str, cwd: Path) -> list[str]:
    # python3 is this interpreter (the examples import NumPy), curl and the shell are the system's
    env = {"PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "HOME": str(cwd), "B": base_url}
    newest: dict[str, str] = {}
    failures: list[str] = []
    for step in steps:
        command = step.command
        if re.match(r"^B=", command):
            continue  # the doc's server is this test's
        if re.match(r"^(ID|TOK)=", command):
            command = re.sub(r"\bID=[^;\s]*", f"ID={newest.get('id', '')}", command)
            command = re.sub(r"\bTOK=[^;\s]*", f"TOK={newest.get('control_token', '')}", command)
        if command.lstrip().startswith("curl "):
            answer, _ = _curl(command, env, cwd)
            if os.environ.get("API_MD_SHOW"):
                shown = answer.body[: int(os.environ["API_MD_SHOW"])]  # API_MD_SHOW=600: print the answers
                print(f"--- line {step.line}: {answer.status} {answer.content_type}\n{shown}")
            if step.expect is None:
                failures.append(f"api.md line {step.line}: a curl example without a '# →' line")
            else:
                expect = step.expect.replace(DOC_PORT, base_url.rsplit(":", 1)[-1])
                failures += [f"api.md line {step.line}: {p}" for p in check(expect, answer)]
            if answer.status == 201:
                created = json.loads(answer.body)
                newest = {"id": created["id"], "control_token": created["control_token"]}
            continue
        names = re.findall(r"(?:^|;)\s*([A-Za-z_]\w*)=", command)
        script = command + "".join(f'\nprintf "%s\\0" "${name}"' for name in names)
        done = subprocess.run(["bash", "-c", script], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            failures.append(f"api.md line {step.line}: exit {done.returncode}: {done.stderr[:300]}")
        values = done.stdout.split("\0")
        env.update({name: values[k] for k, name in enumerate(names)})
    return failures


def _route(method: str, url: str, templates: dict[str, re.Pattern[str]]) -> str | None:
    path = url.split("?")[0]
    for name, pattern in templates.items():
        if pattern.fullmatch(path) and name.startswith(method + " "):
            return name
    return None


def test_api_md_examples_run_against_a_real_server(live_server: LiveServer, tmp_path: Path) -> None:
    steps = parse_steps(API_MD.read_text())
    assert len(steps) > 30
    failures = run_steps(steps, live_server.url, tmp_path)
    assert failures == [], "\n".join(failures)


def test_api_md_has_an_example_for_every_endpoint() -> None:
    schema = create_app(Settings()).openapi()
    templates = {
        f"{method.upper()} {path}": re.compile(re.sub(r"\{[^}]+\}", "[^/]+", path))
        for path, methods in schema["paths"].items()
        for method in methods
    }
    shown = set()
    for step in parse_steps(API_MD.read_text()):
        for curl in re.finditer(r"curl\s(.*)", step.command, re.S):
            text = curl.group(1)
            method = re.search(r"-X\s+(\w+)", text)
            url = re.search(r"\$B(/[^\s'\"]*)", text)
            if url:
                name = _route(method.group(1) if method else "GET", url.group(1).replace("$ID", "x"), templates)
                if name:
                    shown.add(name)
    assert sorted(set(templates) - shown) == []


@pytest.mark.parametrize(
    ("expect", "answer", "problems"),
    [
        (
            '201 {"id": "...", "state": {"epoch": 0, ...}}',
            Answer(201, "", body='{"id": 1, "state": {}}'),
            ["no key 'state.epoch'"],
        ),
        ("200 image/png", Answer(200, "image/svg+xml"), ["content type 'image/svg+xml', the doc says 'image/png'"]),
        (
            "200 X-Playground-Effect: live",
            Answer(200, "", {"x-playground-effect": "reset"}),
            ["header X-Playground-Effect: 'reset', the doc says 'live'"],
        ),
        ("404", Answer(200, ""), ["status 200, the doc says 404: "]),
        ('200 [{"a": 1}, ...]', Answer(200, "", body='[{"a": 2}]'), ["[0].a: 2, the doc says 1"]),
        ('200 {"loss": 0.296, "id": "x"}', Answer(200, "", body='{"loss": 0.2964, "id": "y"}'), []),
        (
            '200 {"loss": 0.296}',
            Answer(200, "", body='{"loss": 0.324}'),
            ["loss: 0.324, the doc says Decimal('0.296')"],
        ),
        (
            '200 {"shape": [2, 8, 8, 1]}',
            Answer(200, "", body='{"shape": [3, 8, 8, 1]}'),
            ["shape[0]: 3, the doc says 2"],
        ),
        (
            '200 {"a": "abc...", "b": true}',
            Answer(200, "", body='{"a": "abd", "b": 1}'),
            ["a: 'abd', the doc says 'abc...'", "b: 1, the doc says True"],
        ),
    ],
)
def test_api_md_checker_catches_what_differs(expect: str, answer: Answer, problems: list[str]) -> None:
    assert check(expect, answer) == problems
