"""Settings: the values that steer an order, and the refusal of development secrets."""

from datetime import timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from orderflow.policy import OrderPolicy
from orderflow.settings import Settings


def test_every_policy_value_comes_from_its_setting(monkeypatch):
    monkeypatch.setenv("ORDERFLOW_IDENT_DEADLINE", "PT30M")
    monkeypatch.setenv("ORDERFLOW_COMPRESSED_DAY", "PT1M")
    monkeypatch.setenv("ORDERFLOW_PHOTO_TRIES", "4")
    monkeypatch.setenv("ORDERFLOW_HIGH_VALUE_THRESHOLD", "250.00")
    monkeypatch.setenv("ORDERFLOW_DELIVERY_WEEKDAYS", "[1,2,3,4,5]")

    policy = Settings().order_policy()

    assert set(OrderPolicy.model_fields) <= set(Settings.model_fields)
    assert policy.ident_deadline == timedelta(minutes=30)
    assert policy.compressed_day == timedelta(minutes=1)
    assert policy.photo_tries == 4
    assert policy.high_value_threshold == Decimal("250.00")
    assert policy.delivery_weekdays == [1, 2, 3, 4, 5]


def test_production_refuses_the_development_secrets():
    with pytest.raises(ValidationError, match="development default secrets"):
        Settings(env="production")
