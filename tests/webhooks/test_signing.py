"""Our signatures are what the reference library (standardwebhooks) expects, and our secrets are
what it can read."""

import base64
import json
import time

import pytest
from cryptography.exceptions import InvalidTag
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from orderflow.crypto import keyring
from orderflow.settings import DEV_DATA_KEY
from orderflow.webhooks.secrets import new_secret, open_secret, seal_secret, secret_key
from orderflow.webhooks.signing import webhook_headers

BODY = json.dumps({"type": "order.received", "timestamp": "2026-12-02T10:00:00+00:00", "data": {}}).encode()


def test_a_signature_verifies_with_the_reference_library_and_a_changed_body_does_not():
    secret = new_secret()
    headers = webhook_headers([secret_key(secret)], "msg_1", int(time.time()), BODY)
    assert Webhook(secret).verify(BODY, headers) == json.loads(BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"received", b"returned"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)


def test_during_a_rotation_either_secret_verifies():
    old, new = new_secret(), new_secret()
    headers = webhook_headers([secret_key(new), secret_key(old)], "msg_2", int(time.time()), BODY)
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        assert Webhook(secret).verify(BODY, headers)


def test_secrets_hold_24_to_64_random_bytes_and_are_sealed_per_endpoint():
    secret = new_secret()
    assert secret.startswith("whsec_") and len(secret_key(secret)) == 32
    assert new_secret() != secret
    with pytest.raises(ValueError, match="24 to 64"):
        secret_key("whsec_" + base64.b64encode(b"x" * 16).decode())
    keys = keyring("k1", DEV_DATA_KEY)
    sealed = seal_secret(keys, "ep_1", secret)
    assert secret not in sealed and sealed.startswith("k1:")
    assert open_secret(keys, "ep_1", sealed) == secret
    with pytest.raises(InvalidTag):  # bound to its endpoint: another id cannot open it
        open_secret(keys, "ep_2", sealed)
