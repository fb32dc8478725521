"""The codec endpoint the Temporal UI calls: operators only, CORS for the UI's origin."""

import pytest
from temporalio.contrib.pydantic import pydantic_data_converter

from orderflow.codec import KEY_ID
from orderflow.temporal import payload_codec
from tests.privacy.codec_api import OPERATOR, as_json, codec_client, from_json

UI = "http://localhost:8233"


async def test_decode_gives_an_operator_the_plain_payload(settings):
    [plain] = pydantic_data_converter.payload_converter.to_payloads([{"last_name": "Mustermann"}])
    sealed = await payload_codec(settings).encode([plain])

    async with codec_client(settings) as api:
        answer = await api.post("/codec/decode", json=as_json(sealed), headers=OPERATOR | {"X-Namespace": "default"})

    assert answer.status_code == 200
    assert from_json(answer.json()) == [plain]


async def test_encode_seals_with_the_current_key(settings):
    [plain] = pydantic_data_converter.payload_converter.to_payloads(["Erika"])

    async with codec_client(settings) as api:
        answer = await api.post("/codec/encode", json=as_json([plain]), headers=OPERATOR)

    [sealed] = from_json(answer.json())
    assert sealed.metadata[KEY_ID] == settings.data_key_id.encode()
    assert await payload_codec(settings).decode([sealed]) == [plain]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Bearer "}])
async def test_without_an_operator_token_nothing_is_decoded(settings, headers):
    [plain] = pydantic_data_converter.payload_converter.to_payloads(["Erika"])
    sealed = await payload_codec(settings).encode([plain])

    async with codec_client(settings) as api:
        answer = await api.post("/codec/decode", json=as_json(sealed), headers=headers | {"Origin": UI})

    assert answer.status_code == 401
    assert "Erika" not in answer.text
    # The UI can read the refusal (a CORS error would look like the network being down).
    assert answer.headers["access-control-allow-origin"] == UI


async def test_preflight_from_the_ui_is_answered_for_its_origin_only(settings):
    asks = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-namespace",
    }
    async with codec_client(settings) as api:
        from_ui = await api.options("/codec/decode", headers=asks | {"Origin": UI})
        from_elsewhere = await api.options("/codec/decode", headers=asks | {"Origin": "https://evil.example"})

    assert from_ui.status_code == 204
    assert from_ui.headers["access-control-allow-origin"] == UI
    assert from_ui.headers["access-control-allow-credentials"] == "true"
    assert {"authorization", "content-type", "x-namespace"} <= {
        h.strip().lower() for h in from_ui.headers["access-control-allow-headers"].split(",")
    }
    assert "access-control-allow-origin" not in from_elsewhere.headers


async def test_another_namespace_is_refused(settings):
    async with codec_client(settings) as api:
        answer = await api.post("/codec/decode", json={"payloads": []}, headers=OPERATOR | {"X-Namespace": "billing"})

    assert answer.status_code == 403


async def test_a_browser_signs_in_once_and_then_decodes_with_its_cookie(settings):
    [plain] = pydantic_data_converter.payload_converter.to_payloads(["Erika"])
    sealed = await payload_codec(settings).encode([plain])

    async with codec_client(settings) as api:
        refused = await api.post("/codec/session", data={"token": "wrong"})
        signed_in = await api.post("/codec/session", data={"token": OPERATOR["Authorization"].removeprefix("Bearer ")})
        answer = await api.post("/codec/decode", json=as_json(sealed))  # the cookie, no header

    assert refused.status_code == 401 and "set-cookie" not in refused.headers
    cookie = signed_in.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/codec" in cookie
    assert from_json(answer.json()) == [plain]


async def test_a_payload_from_a_retired_key_comes_back_as_it_was(settings):
    [plain] = pydantic_data_converter.payload_converter.to_payloads(["Erika"])
    [sealed] = await payload_codec(settings).encode([plain])
    sealed.metadata[KEY_ID] = b"retired"

    async with codec_client(settings) as api:
        answer = await api.post("/codec/decode", json=as_json([sealed, plain]), headers=OPERATOR)

    assert from_json(answer.json()) == [sealed, plain]
