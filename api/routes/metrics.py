"""Prometheus scrape endpoint of the API process (request metrics from api/metrics.py, process metrics).

No personal data and no order ids in it, but business volumes: in production api/main.py mounts it
behind an operator token (Prometheus: `authorization` with credentials), open in dev and test.
"""

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

router = APIRouter(tags=["operators"])


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    """Prometheus text format."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
