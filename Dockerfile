# The playground server: one process, its sessions in SQLite under the
# volume /srv/playground/data (docs/deploy.md, "Containers").
#
#   docker build -t playground .            (or: podman build --format docker -t playground .)
#   docker run -p 8000:8000 -v playground-data:/srv/playground/data playground
#
# BASE is any Debian-like image with python3 (3.11 or newer) and its venv
# module; scripts/container-test.sh builds one from Debian's packages.
ARG BASE=python:3.11-slim
FROM ${BASE}

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/playground/bin:$PATH \
    PYTHONPATH=/srv/playground \
    NUMBA_CACHE_DIR=/opt/playground/numba-cache \
    PLAYGROUND_DATA_DIR=/srv/playground/data

RUN useradd --create-home --uid 10001 playground

# The pinned dependencies first, from pyproject.toml alone: a change to the
# code reuses this layer and only the layers below are built again.
WORKDIR /srv/playground
COPY pyproject.toml ./
RUN python3 -m venv /opt/playground \
    && python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" \
        > /tmp/requirements.txt \
    && python -m pip install --requirement /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The code is run from here (PYTHONPATH), not installed: the page's
# templates and static files are found beside it.
COPY core core
COPY app app
COPY playground playground
COPY templates templates
COPY static static

# The store's folder belongs to the server's user; a volume mounted here
# starts as a copy of it, so a new named volume is writable by that user too.
RUN mkdir data "$NUMBA_CACHE_DIR" && chown playground:playground data "$NUMBA_CACHE_DIR"
VOLUME ["/srv/playground/data"]

USER playground
# The compiled kernels, built now and kept in the image: otherwise every new
# container compiles them on its first session (7 s on a 2-core machine),
# while a class waits.  On another CPU numba compiles again, into the same
# (writable) folder.
RUN python -c "from core import PlaygroundConfig, Session; \
s = Session(PlaygroundConfig.from_hash('networkShape=3,2')); s.step(3); s.frame(); s.metrics()"
EXPOSE 8000
# SIGTERM (docker stop): the server stops listening, saves every session,
# closes the websockets with 1012 and exits; give it more than the default
# 10 s when thousands of sessions are in memory (docker stop -t 30).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
    CMD python -c "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"
CMD ["python", "-m", "app", "--host", "0.0.0.0", "--port", "8000"]
