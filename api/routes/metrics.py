"""Prometheus scrape endpoint of the API process (request metrics from api/metrics.py, process metrics).

No personal data and no order ids in it, but business volumes: keep it off the public internet
(block `/metrics` at the proxy and let Prometheus scrape the container directly).
"""

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

router = APIRouter(tags=["operators"])


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    """Prometheus text format."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
