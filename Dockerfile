# The one image behind the API, the setup job and every worker of docker-compose.yml;
# the command picks the process (see DESIGN.md, "Processes").
FROM python:3.11.13-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ORDERFLOW_DATA_DIR=/data \
    ORDERFLOW_ENV=production

# OpenMP and GLib for OpenCV, dlib and onnxruntime (photo-ident); everything else comes as wheels.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
COPY orderflow ./orderflow
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY api ./api
# Editable: the source tree is the installed package, migrations and templates included.
RUN pip install -e .

# Not root. /data (face model weights) and /blobs (ID images) are created here, owned by the app
# user, so named volumes mounted on them start with that owner.
RUN useradd --system --uid 10001 --home-dir /data orderflow \
    && mkdir -p /data /blobs \
    && chown orderflow /data /blobs
USER orderflow

EXPOSE 8000 9464
CMD ["uvicorn", "api.main:app", "--host", "0.0.0.0", "--port", "8000"]
