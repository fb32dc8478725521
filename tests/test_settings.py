"""Settings: the values that steer an order, and the refusal of development secrets."""

import ast
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from orderflow.contract.policy import RETIRED_FIELDS, OrderPolicy
from orderflow.settings import POLICY_DEFAULTS, Settings

ROOT = Path(__file__).resolve().parents[1]
POLICY_FIELDS = set(OrderPolicy.model_fields) - RETIRED_FIELDS


def test_every_policy_value_comes_from_its_setting(monkeypatch):
    monkeypatch.setenv("ORDERFLOW_IDENT_DEADLINE", "PT30M")
    monkeypatch.setenv("ORDERFLOW_COMPRESSED_DAY", "PT1M")
    monkeypatch.setenv("ORDERFLOW_PHOTO_TRIES", "4")
    monkeypatch.setenv("ORDERFLOW_HIGH_VALUE_THRESHOLD", "250.00")
    monkeypatch.setenv("ORDERFLOW_DELIVERY_WEEKDAYS", "[1,2,3,4,5]")

    policy = Settings().order_policy()

    assert POLICY_FIELDS <= set(Settings.model_fields)
    assert not RETIRED_FIELDS & set(Settings.model_fields)
    assert policy.ident_deadline == timedelta(minutes=30)
    assert policy.compressed_day == timedelta(minutes=1)
    assert policy.photo_tries == 4
    assert policy.high_value_threshold == Decimal("250.00")
    assert policy.delivery_weekdays == [1, 2, 3, 4, 5]


def test_the_policy_settings_default_to_the_policy(monkeypatch):
    for name in POLICY_FIELDS:
        monkeypatch.delenv(f"ORDERFLOW_{name.upper()}", raising=False)

    assert Settings().order_policy() == OrderPolicy() == POLICY_DEFAULTS


def test_every_policy_default_is_written_once_in_the_policy():
    """A setting's default is `POLICY_DEFAULTS.<its name>`, never a value of its own that could drift."""
    [settings_class] = [
        node
        for node in ast.parse((ROOT / "orderflow/settings.py").read_text()).body
        if isinstance(node, ast.ClassDef) and node.name == "Settings"
    ]
    defaults = {
        field.target.id: _default_expression(field.value)
        for field in settings_class.body
        if isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name) and field.value is not None
    }

    assert {name: defaults.get(name) for name in POLICY_FIELDS} == {
        name: f"POLICY_DEFAULTS.{name}" for name in POLICY_FIELDS
    }


def _default_expression(value: ast.expr) -> str:
    if isinstance(value, ast.Call) and ast.unparse(value.func) == "Field":
        [value] = [keyword.value for keyword in value.keywords if keyword.arg == "default"]
    return ast.unparse(value)


def test_every_process_reads_the_policy_values_through_the_policy():
    """The API, the workers and the operators' tools take a policy value (the high-value threshold, the
    time zone, a timer) from `settings.order_policy()`, the policy the orders worker records, never from
    the setting beside it."""
    sources = [
        path for folder in ("api", "activities", "workers", "orderflow") for path in (ROOT / folder).rglob("*.py")
    ]
    direct = sorted(
        f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}"
        for path in sources
        if path != ROOT / "orderflow/settings.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr in POLICY_FIELDS and _names_settings(node.value)
    )

    assert direct == []


def _names_settings(value: ast.expr) -> bool:
    name = value.attr if isinstance(value, ast.Attribute) else value.id if isinstance(value, ast.Name) else ""
    return name.lstrip("_") == "settings"


def test_production_refuses_the_development_secrets():
    with pytest.raises(ValidationError, match="development default secrets"):
        Settings(env="production")
