"""One error shape for every refusal: `{"code": "...", "message": "..."}` with a 4xx status.

Route code raises `ApiError`; the handlers here turn validation errors, Starlette's HTTP errors
and Temporal being unreachable into the same shape, so no bad request ever becomes a bare 500.
"""

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.service import RPCError, RPCStatusCode

from api.redaction import redact_path
from orderflow.contract.guards import Refusal

log = logging.getLogger("orderflow.api")


class ErrorBody(BaseModel):
    code: str
    message: str


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def not_found(code: str, message: str) -> ApiError:
    return ApiError(404, code, message)


def conflict(code: str, message: str) -> ApiError:
    return ApiError(409, code, message)


def conflict_if(refusal: Refusal | None) -> None:
    """409 by a rule of the contract (orderflow/contract/guards.py) when it says no."""
    if refusal is not None:
        raise conflict(refusal.code, refusal.message)


def order_missing() -> ApiError:
    return not_found("order_not_found", "there is no order with this id")


# For the OpenAPI docs: which statuses a route may answer with, all in the one error shape.
def responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    return {status: {"model": ErrorBody} for status in statuses}


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
}

# Customer pages answer a browser's refusal with a page instead of JSON (see api/pages).
PageErrors = Callable[[Request, ApiError], Response | None]


def error_response(error: ApiError) -> JSONResponse:
    body = ErrorBody(code=error.code, message=error.message).model_dump()
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def _describe(errors: Sequence[Any]) -> str:
    parts = []
    for error in errors[:5]:
        location = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "request"
        parts.append(f"{location}: {error.get('msg', 'invalid')}")
    return "; ".join(parts)


def install(app: FastAPI, page_errors: PageErrors | None = None) -> None:
    """Registers the handlers; `page_errors(request, error)` may answer a browser with a page."""

    def respond(request: Request, error: ApiError) -> Response:
        if page_errors is not None:
            page = page_errors(request, error)
            if page is not None:
                return page
        return error_response(error)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> Response:
        return respond(request, error)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        # Never echo the input back (it may hold a delivery code or personal data): location and reason only.
        return respond(request, ApiError(422, "invalid_request", _describe(error.errors())))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        code = _HTTP_CODES.get(error.status_code, "error")
        message = error.detail if isinstance(error.detail, str) else code.replace("_", " ")
        return respond(request, ApiError(error.status_code, code, message, headers=error.headers))

    @app.exception_handler(RPCError)
    async def temporal_error(request: Request, error: RPCError) -> Response:
        # Calls that can fail because of the request are mapped where they are made; what is left
        # here is the service being away or overloaded: worth a retry, not a bug report.
        log.warning("temporal call failed on %s %s: %s", request.method, redact_path(request.url.path), error.status)
        if error.status == RPCStatusCode.NOT_FOUND:
            return respond(request, order_missing())
        return error_response(ApiError(503, "temporal_unavailable", "the order service is busy; try again shortly"))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        # The last guard: a bug still answers in the one error shape. Only the type is logged here,
        # since messages of arbitrary exceptions may carry request data.
        log.error("unexpected %s on %s %s", type(error).__name__, request.method, redact_path(request.url.path))
        return error_response(ApiError(500, "internal_error", "something went wrong on our side; try again shortly"))
