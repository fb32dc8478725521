"""Swagger UI and ReDoc served by the API itself, from the files the `fastapi-offline` wheel ships:
`/docs` renders without a network, and no CDN learns who reads the API description."""

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/docs-assets"


def mount_assets(app: FastAPI) -> None:
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")


def swagger_page(openapi_url: str, title: str) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=openapi_url,
        title=f"{title} - docs",
        swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
    )


def redoc_page(openapi_url: str, title: str) -> HTMLResponse:
    return get_redoc_html(
        openapi_url=openapi_url,
        title=f"{title} - ReDoc",
        redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
        redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
        with_google_fonts=False,
    )


def open_docs_router(openapi_url: str = "/openapi.json") -> APIRouter:
    """`/docs` and `/redoc` for everyone (outside production, where the description is open)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/docs")
    async def swagger(request: Request) -> HTMLResponse:
        return swagger_page(openapi_url, request.app.title)

    @router.get("/redoc")
    async def redoc(request: Request) -> HTMLResponse:
        return redoc_page(openapi_url, request.app.title)

    return router
