#!/usr/bin/env bash
# The Dockerfile built and run for real, with podman (there is no Docker
# engine here), on a base made from Debian's packages:
#
#   build     the image (--format docker: the OCI format drops HEALTHCHECK),
#             and again after a code change, which must reuse the layer of
#             pinned dependencies;
#   image     runs as a user that is not root, has the HEALTHCHECK, declares
#             its data folder a volume;
#   run       with a named volume and a loopback port: /healthz answers, the
#             HEALTHCHECK passes, the store is on the volume;
#   restart   a session created and trained over REST, `podman stop`
#             (SIGTERM), a NEW container on the same volume: the session file
#             it exports is byte for byte the one exported before.
#
#   bash scripts/container-test.sh        (make test runs it)
#
# Installs podman, runc and mmdebstrap with apt when missing (as root).
# Everything it makes is named container-test-*, kept in a folder of its own
# and removed at the end; only the base tarball is cached between runs
# (scripts/podman-lib.sh says where).  Where podman cannot run it says
# "skipped: <why>" and exits 0, or fails if PLAYGROUND_REQUIRE_SERVICES=1.
set -euo pipefail
NAME=container-test
PREFIX=container-test
# shellcheck source=scripts/podman-lib.sh
source "$(dirname "$0")/podman-lib.sh"

podman_setup
import_base

IMAGE=localhost/$PREFIX-app:latest
build_image "$IMAGE" "$ROOT"
step_done "image built from the working tree"

# A code change in a copy of the tree (the files git would commit): every
# layer up to the pinned dependencies must come from the first build.
mkdir "$WORK/context"
git -C "$ROOT" ls-files -z --cached --others --exclude-standard \
  | (cd "$ROOT" && tar --null --files-from - --ignore-failed-read -cf -) | tar -xf - -C "$WORK/context"
echo "# a code change" >>"$WORK/context/app/__init__.py"
build_image "localhost/$PREFIX-app:changed" "$WORK/context"
dependency_layer() {
  podman history --no-trunc --format '{{.ID}} {{.CreatedBy}}' "$1" | awk '/pip install/ {print $1; exit}'
}
first=$(dependency_layer "$IMAGE")
second=$(dependency_layer "localhost/$PREFIX-app:changed")
[ -n "$first" ] && [ "$first" != "<missing>" ] || fail "no layer that runs pip install in the image's history"
[ "$first" = "$second" ] || fail "a code change rebuilt the dependency layer ($first, then $second)"
[ "$(podman image inspect --format '{{.Id}}' "$IMAGE")" != "$(podman image inspect --format '{{.Id}}' "localhost/$PREFIX-app:changed")" ] \
  || fail "the changed tree built the same image"
podman rmi "localhost/$PREFIX-app:changed" >/dev/null
step_done "rebuilt after a code change, reusing the dependency layer ${first:0:12}"

user=$(podman run --rm --entrypoint id "$IMAGE" -u 2>>"$WORK/podman.log")
[ "$user" != 0 ] || fail "the image runs as root"
healthcheck=$(podman image inspect --format '{{json .Config.Healthcheck}}' "$IMAGE")
[[ $healthcheck == *"/healthz"* ]] || fail "no HEALTHCHECK calling /healthz in the image config: $healthcheck"
volumes=$(podman image inspect --format '{{json .Config.Volumes}}' "$IMAGE")
[[ $volumes == *'"/srv/playground/data"'* ]] || fail "/srv/playground/data is not a volume: $volumes"
step_done "image runs as uid $user, HEALTHCHECK in its config, volume $volumes, $(($(podman image inspect --format '{{.Size}}' "$IMAGE") / 1000000)) MB"

VOLUME=$PREFIX-data
podman volume create "$VOLUME" >/dev/null
PORT=$(free_port)
URL=http://127.0.0.1:$PORT
start() {  # start NAME: a container of the image on the volume and the port, answering /healthz
  podman run -d --name "$1" -v "$VOLUME:/srv/playground/data" -p "127.0.0.1:$PORT:8000" "$IMAGE" \
    >/dev/null 2>>"$WORK/podman.log"
  probe wait "$URL" 120 || { podman logs "$1" >&2; fail "$1 did not answer /healthz"; }
}
start "$PREFIX-first"
podman healthcheck run "$PREFIX-first" >/dev/null 2>>"$WORK/podman.log" || fail "the image's HEALTHCHECK failed"
owner=$(podman exec "$PREFIX-first" stat -c %U /srv/playground/data)
[ "$owner" = playground ] || fail "the data volume belongs to $owner, not the server's user"
step_done "container on volume $VOLUME and $URL: /healthz and the HEALTHCHECK answer, the volume belongs to $owner"

probe session "$URL" "$WORK/session"
probe export "$URL" "$WORK/session" "$WORK/before.json"
on_volume=$(podman volume inspect --format '{{.Mountpoint}}' "$VOLUME")
[ -s "$on_volume/sessions.sqlite3" ] || fail "no sessions.sqlite3 on the volume ($on_volume)"
# docs/deploy.md's online backup from inside the container, and its copy out.
podman exec "$PREFIX-first" python -c "import sqlite3, sys; source = sqlite3.connect(sys.argv[1]); \
target = sqlite3.connect(sys.argv[2]); source.backup(target); target.close(); source.close()" \
  data/sessions.sqlite3 data/backup.sqlite3
podman cp "$PREFIX-first:/srv/playground/data/backup.sqlite3" "$WORK/backup.sqlite3"
backed_up=$("$PY" -c "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); \
print(db.execute('PRAGMA integrity_check').fetchone()[0], db.execute('SELECT id FROM sessions').fetchall() == [(sys.argv[2],)])" \
  "$WORK/backup.sqlite3" "$(cat "$WORK/session/id")")
[ "$backed_up" = "ok True" ] || fail "the backup taken in the container is not the store (integrity, session: $backed_up)"
podman stop -t 30 "$PREFIX-first" >/dev/null 2>>"$WORK/podman.log"
code=$(podman inspect --format '{{.State.ExitCode}}' "$PREFIX-first")
[ "$code" = 0 ] || fail "the server exited with $code on SIGTERM"
podman logs "$PREFIX-first" >"$WORK/first.log" 2>&1
grep -q "sessions saved: 1 of 1" "$WORK/first.log" || { tail "$WORK/first.log" >&2; fail "the server did not say it saved the session"; }
step_done "an online backup in the container holds the session; podman stop: SIGTERM, the session saved, exit code 0"

start "$PREFIX-second"
probe export "$URL" "$WORK/session" "$WORK/after.json"
cmp "$WORK/before.json" "$WORK/after.json" || fail "the session file changed across the restart"
step_done "a new container on the same volume serves the session, its file byte for byte the same"
