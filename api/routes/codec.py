"""The codec endpoint: lets the Temporal UI (and `temporal --codec-endpoint`) show the decrypted
payloads of an order's history to an authorised operator.

Speaks the Temporal codec server protocol under `/codec`: `POST /codec/encode` and
`POST /codec/decode`, body `{"payloads": [{"metadata": {key: base64}, "data": base64}]}`, header
`X-Namespace`. Point the UI at `<api>/codec` (dev server: `--ui-codec-endpoint`).

The browser calls it from the UI's origin, so the answers carry CORS headers for exactly that
origin (`ORDERFLOW_TEMPORAL_UI_URL`), refusals included: a 401 the page cannot read looks like a
network error. Operators authenticate with their bearer token (`ORDERFLOW_OPERATOR_TOKENS`);
a browser whose UI cannot send one signs in once at `GET /codec/session`, which keeps the token
in an HttpOnly cookie (enable "include cross-origin credentials" in the UI's codec settings).
"""

import base64
import html
import logging
from typing import Annotated

from cryptography.exceptions import InvalidTag
from fastapi import APIRouter, Form, Header, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field
from temporalio.api.common.v1 import Payload

from api.auth import identify
from api.deps import OperatorCredentials, SettingsDep
from api.errors import ApiError, error_response
from orderflow.crypto import UnknownKeyId
from orderflow.settings import Settings
from orderflow.temporal import payload_codec

router = APIRouter(prefix="/codec", tags=["operators"])
log = logging.getLogger("orderflow.api.codec")

COOKIE = "orderflow_operator"
MAX_PAYLOADS = 1000


class CodecPayload(BaseModel):
    metadata: dict[str, str] = {}  # values base64
    data: str = ""  # base64


class CodecPayloads(BaseModel):
    payloads: list[CodecPayload] = Field(default=[], max_length=MAX_PAYLOADS)


def _cors(request: Request, settings: Settings, response: Response) -> Response:
    origin = request.headers.get("origin")
    if origin is not None and origin.rstrip("/") == settings.temporal_ui_url.rstrip("/"):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, X-Namespace"
        response.headers["Access-Control-Max-Age"] = "600"
    response.headers["Vary"] = "Origin"
    return response


def _refusal(request: Request, settings: Settings, status: int, code: str, message: str) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return _cors(request, settings, error_response(ApiError(status, code, message, headers=headers)))


def _operator(request: Request, credentials: HTTPAuthorizationCredentials | None) -> str | None:
    presented = credentials.credentials if credentials else request.cookies.get(COOKIE)
    # identify() compares against every token in constant time.
    return identify(presented, request.app.state.tokens.operators) if presented else None


def _to_proto(payloads: CodecPayloads) -> list[Payload]:
    return [
        Payload(
            metadata={key: base64.b64decode(value, validate=True) for key, value in p.metadata.items()},
            data=base64.b64decode(p.data, validate=True),
        )
        for p in payloads.payloads
    ]


def _to_json(payloads: list[Payload]) -> dict[str, list[dict[str, object]]]:
    return {
        "payloads": [
            {
                "metadata": {key: base64.b64encode(value).decode() for key, value in p.metadata.items()},
                "data": base64.b64encode(p.data).decode(),
            }
            for p in payloads
        ]
    }


async def _run(
    action: str,
    request: Request,
    settings: Settings,
    body: CodecPayloads,
    credentials: HTTPAuthorizationCredentials | None,
    namespace: str | None,
) -> Response:
    operator = _operator(request, credentials)
    if operator is None:
        return _refusal(request, settings, 401, "unauthorized", "a valid operator bearer token is required")
    if namespace not in (None, "", settings.temporal_namespace):
        return _refusal(request, settings, 403, "namespace_not_served", "this codec serves another namespace")
    try:
        payloads = _to_proto(body)
    except ValueError:  # binascii.Error, and any text that is not even ASCII
        return _refusal(request, settings, 422, "invalid_payload", "metadata values and data must be base64")
    codec = payload_codec(settings)
    if action == "encode":
        result = await codec.encode(payloads)
    else:
        # One by one: a payload from a key that is gone stays as it is; the rest still decode.
        result = []
        for payload in payloads:
            try:
                result.extend(await codec.decode([payload]))
            except (UnknownKeyId, InvalidTag, ValueError):
                result.append(payload)
        # Reading decrypted personal data is worth a trace of who did it.
        log.info("operator %s decoded %s payload(s)", operator, len(payloads))
    return _cors(request, settings, JSONResponse(_to_json(result)))


@router.post("/encode", response_model=CodecPayloads)
async def encode(
    request: Request,
    settings: SettingsDep,
    body: CodecPayloads,
    credentials: OperatorCredentials,
    x_namespace: Annotated[str | None, Header()] = None,
) -> Response:
    """Encrypt payloads with the current data key (Temporal codec server protocol)."""
    return await _run("encode", request, settings, body, credentials, x_namespace)


@router.post("/decode", response_model=CodecPayloads)
async def decode(
    request: Request,
    settings: SettingsDep,
    body: CodecPayloads,
    credentials: OperatorCredentials,
    x_namespace: Annotated[str | None, Header()] = None,
) -> Response:
    """Decrypt payloads for an authorised operator (Temporal codec server protocol)."""
    return await _run("decode", request, settings, body, credentials, x_namespace)


@router.options("/encode", include_in_schema=False)
@router.options("/decode", include_in_schema=False)
async def preflight(request: Request, settings: SettingsDep) -> Response:
    """CORS preflight from the Temporal UI."""
    return _cors(request, settings, Response(status_code=204))


_SIGN_IN = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>orderflow codec</title></head>
<body><h1>Codec sign-in for the Temporal UI</h1><p>{message}</p>
<form method="post"><label>Operator token <input type="password" name="token" autocomplete="off"></label>
<button>Sign in</button></form></body></html>"""


@router.get("/session", response_class=HTMLResponse, include_in_schema=False)
async def sign_in_page() -> HTMLResponse:
    """A form to sign the browser in for the codec."""
    return HTMLResponse(_SIGN_IN.format(message="The Temporal UI then shows decrypted payloads."))


@router.post("/session", response_class=HTMLResponse, include_in_schema=False)
async def sign_in(request: Request, settings: SettingsDep, token: Annotated[str, Form(max_length=500)]) -> HTMLResponse:
    """Keeps a valid operator token in an HttpOnly cookie for the codec's paths only."""
    operator = identify(token, request.app.state.tokens.operators)
    if operator is None:
        return HTMLResponse(_SIGN_IN.format(message="That token is not valid."), status_code=401)
    response = HTMLResponse(_SIGN_IN.format(message=f"Signed in as {html.escape(operator)}."))
    response.set_cookie(
        COOKIE,
        token,
        max_age=8 * 3600,
        path="/codec",
        httponly=True,
        samesite="strict",  # the UI and the API are one site (ports do not count), others never send it
        secure=request.url.scheme == "https",
    )
    log.info("operator %s signed in for the codec", operator)
    return response
