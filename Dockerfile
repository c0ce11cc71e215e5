# The playground server.  Installs the package the same way the Makefile
# does (an editable install of this tree), runs as a non-root user.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    NUMBA_CACHE_DIR=/tmp/numba-cache

RUN useradd --create-home --uid 10001 playground
WORKDIR /srv/playground
COPY pyproject.toml README.md ./
COPY core core
COPY app app
COPY playground playground
COPY templates templates
COPY static static
RUN python -m pip install -e . && chown -R playground /srv/playground

USER playground
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
    CMD python -c "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"
CMD ["playground", "--host", "0.0.0.0", "--port", "8000"]
