"""The API's own description in production: `/openapi.json`, `/docs` and `/redoc` for operators only.

Outside production they are open to everyone (api/docs_assets.py). In production they map every route, the
operator and privacy endpoints included, so they ask for an operator bearer token like `/ops/*`.
A browser sends no bearer token by itself: open them through a proxy that adds the header, or read
the description with `curl -H "Authorization: Bearer $TOKEN" .../openapi.json`.
"""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse

from api.deps import require_operator
from api.docs_assets import redoc_page, swagger_page

OPENAPI = "/openapi.json"

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_operator)])


@router.get(OPENAPI)
async def openapi(request: Request) -> JSONResponse:
    """The OpenAPI description."""
    return JSONResponse(request.app.openapi())


@router.get("/docs")
async def swagger(request: Request) -> HTMLResponse:
    """Swagger UI over the OpenAPI description."""
    return swagger_page(OPENAPI, request.app.title)


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    """ReDoc over the OpenAPI description."""
    return redoc_page(OPENAPI, request.app.title)
