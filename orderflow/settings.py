"""One settings object for every process, read from `ORDERFLOW_*` environment variables."""

from datetime import time, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from orderflow.contract.policy import RETIRED_FIELDS, OrderPolicy
from orderflow.contract.stages import Stage

# Development defaults; production refuses to start with any of them (see `refuse_unsafe_production`).
DEV_SECRET = "dev-only-change-me"
DEV_DATA_KEY = "ZGV2LW9ubHktZGF0YS1rZXktY2hhbmdlLW1lLTMyYnk="  # base64 of 32 bytes
# The defaults of the order policy settings: OrderPolicy's own.
POLICY_DEFAULTS = OrderPolicy()


class Settings(BaseSettings):
    # hide_input_in_errors: a refusal must not print the values it was given, secrets among them.
    model_config = SettingsConfigDict(env_prefix="ORDERFLOW_", extra="ignore", hide_input_in_errors=True)

    # Production unless told otherwise: a process nobody configured must fail closed, not run on
    # the development secrets. Developers' stacks and the test suite say `dev` / `test` themselves.
    env: Literal["dev", "test", "production"] = "production"

    temporal_address: str = "localhost:7233"
    temporal_namespace: str = "default"
    temporal_ui_url: str = "http://localhost:8233"
    # The orders queue; `vision` and `messaging` carry over its suffix (see task_queues.sibling).
    task_queue: str = "orders"

    data_dir: Path = Path(".orderflow")
    database_url: str = ""  # default: SQLite file in data_dir
    blob_dir: Path | None = None  # default: data_dir / "blobs"
    public_base_url: str = "http://localhost:8000"

    storefront_token: str = DEV_SECRET
    agent_tokens: str = "agent-1:" + DEV_SECRET  # "id:token,id:token"
    courier_tokens: str = "courier-1:" + DEV_SECRET
    operator_tokens: str = "operator-1:" + DEV_SECRET
    link_secret: str = DEV_SECRET
    # AES-256 key (base64) for delivery codes at rest and PII in Temporal payloads.
    data_key: str = DEV_DATA_KEY

    # The values that steer an order, one setting per OrderPolicy field. Their defaults are OrderPolicy's
    # (written there only); the bounds are what an operator may set. Every process reads them through
    # `order_policy()`, the policy the orders worker records in each new order's history.
    ident_deadline: timedelta = POLICY_DEFAULTS.ident_deadline
    ident_reminder_before: timedelta = POLICY_DEFAULTS.ident_reminder_before
    video_session_max: timedelta = POLICY_DEFAULTS.video_session_max
    photo_tries: int = Field(default=POLICY_DEFAULTS.photo_tries, ge=1, le=10)
    code_tries: int = Field(default=POLICY_DEFAULTS.code_tries, ge=1, le=20)
    delivery_attempts: int = Field(default=POLICY_DEFAULTS.delivery_attempts, ge=1, le=10)
    high_value_threshold: Decimal = POLICY_DEFAULTS.high_value_threshold
    timezone: str = POLICY_DEFAULTS.timezone
    delivery_weekdays: list[Annotated[int, Field(ge=1, le=7)]] = Field(
        default=POLICY_DEFAULTS.delivery_weekdays, min_length=1
    )
    delivery_day_start: time = POLICY_DEFAULTS.delivery_day_start
    compressed_day: timedelta | None = POLICY_DEFAULTS.compressed_day

    # --- Customer e-mail: SendGrid, or the database outbox without a key ---
    sendgrid_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("SENDGRID_API_KEY", "ORDERFLOW_SENDGRID_API_KEY")
    )
    sendgrid_host: str = "https://api.sendgrid.com"
    mail_from: str = "service@orderflow.example"
    mail_from_name: str = "orderflow Kundenservice"
    # Production without a SendGrid key only when this says so: e-mail then stays in the database
    # outbox (delivery codes and signed links included) and never reaches a customer.
    mail_dry_run: bool = False
    # One SendGrid call may take this long; keep it well under the messaging activity's
    # start-to-close timeout, so a slow call ends before Temporal starts another attempt.
    sendgrid_timeout: timedelta = timedelta(seconds=10)

    # Vision (photo-ident). Uploads past these limits are refused with a reason, before any decoding.
    vision_max_image_bytes: int = Field(default=15_000_000, ge=1)
    vision_max_image_pixels: int = Field(default=40_000_000, ge=1)
    vision_min_image_side: int = Field(default=480, ge=1)  # the shorter side, in pixels
    # Where the face model weights are copied at worker start (deepface reads $DEEPFACE_HOME/.deepface/weights).
    vision_deepface_home: Path | None = None  # default: data_dir / "deepface"
    vision_concurrency: int = Field(default=2, ge=1, le=16)  # photo-idents at once per vision worker

    # --- Data at rest: the payload keys and how long ID images may stay ---
    # Id written beside every payload encrypted with ORDERFLOW_DATA_KEY. To rotate: new key, new id,
    # and the old "id:key" moves to previous_data_keys, so older histories still decrypt.
    data_key_id: str = Field(default="k1", min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")
    previous_data_keys: str = ""  # "id:base64,id:base64": decrypt only, never encrypt
    # ID images older than this are deleted by the sweeper even if no ident decision removed them.
    image_retention: timedelta = timedelta(days=1)

    # --- API: the size of one uploaded photo ---
    # Per uploaded photo (413 beyond it); the ident page shrinks larger camera photos before sending.
    max_upload_bytes: int = Field(default=10_000_000, ge=1)

    # --- Operations: stuck orders, metrics, logs ---
    # How long an order may stay in a stage before operators call it stuck, per stage, as JSON with
    # ISO 8601 durations (e.g. '{"awaiting_video_agent": "PT5M"}'); overrides orderflow/ops/thresholds.py.
    stuck_thresholds: dict[Stage, timedelta] = {}
    # host:port where a worker process serves its Temporal SDK metrics for Prometheus (e.g. "0.0.0.0:9464");
    # empty: no metrics endpoint. The API serves its own at GET /metrics.
    metrics_bind_address: str = ""
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"  # json: one object per line, for log shippers

    # --- Staff pages: agent console and courier page ---
    # The agents' video tool, e.g. "https://meet.example/{session_id}": the console links each claimed call
    # there. Empty: the console shows the session id as the room to open in the tool.
    video_call_url: str = ""

    # --- Webhooks: signed order events to the storefront's endpoints (docs/webhooks.md) ---
    # Lets endpoints on loopback and private addresses, over plain http, be registered and called:
    # for tests and a developer's own receiver only; production refuses it.
    webhooks_allow_private: bool = False
    webhooks_timeout: timedelta = timedelta(seconds=15)  # one HTTP try
    # Temporal's retry policy for one delivery: 5 s, 10 s, 20 s ... at most an hour apart, for 3 days.
    webhooks_retry_initial: timedelta = timedelta(seconds=5)
    webhooks_retry_backoff: float = Field(default=2.0, ge=1.0, le=10.0)
    webhooks_retry_max_interval: timedelta = timedelta(hours=1)
    webhooks_give_up_after: timedelta = timedelta(days=3)
    # After a secret rotation, events are signed with both secrets for this long.
    webhooks_secret_grace: timedelta = timedelta(hours=24)

    @model_validator(mode="after")
    def refuse_private_webhooks_in_production(self) -> "Settings":
        if self.env == "production" and self.webhooks_allow_private:
            raise ValueError(
                "production refuses ORDERFLOW_WEBHOOKS_ALLOW_PRIVATE: webhooks go to public https endpoints only"
            )
        return self

    @field_validator("compressed_day", mode="before")
    @classmethod
    def empty_means_unset(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def refuse_unsafe_production(self) -> "Settings":
        if self.env != "production":
            return self
        wanted = []
        if missing := unsafe_production_secrets(self):
            wanted.append(f"set {', '.join(missing)} (each its own value, not the development default, not empty)")
        if not self.sendgrid_api_key and not self.mail_dry_run:
            wanted.append("set SENDGRID_API_KEY, or ORDERFLOW_MAIL_DRY_RUN=true to keep e-mail in the database outbox")
        if wanted:
            raise ValueError(
                "production refuses to start with the development default secrets or without a way to send e-mail "
                f"(ORDERFLOW_ENV=production is the default): {'; '.join(wanted)}. "
                "A developer's own stack or a test run: ORDERFLOW_ENV=dev or ORDERFLOW_ENV=test."
            )
        return self

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'orderflow.db'}"

    @property
    def blob_path(self) -> Path:
        return self.blob_dir or self.data_dir / "blobs"

    @property
    def deepface_home(self) -> Path:
        return self.vision_deepface_home or self.data_dir / "deepface"

    def order_policy(self) -> OrderPolicy:
        """The values that steer an order: what the orders worker records for each new order, and
        what the API and the other workers read (the high-value threshold, the time zone, the timers)."""
        # Every policy field has a setting of the same name, except the retired ones (they keep their default).
        return OrderPolicy.model_validate(self.model_dump(include=set(OrderPolicy.model_fields) - RETIRED_FIELDS))


def unsafe_production_secrets(settings: Settings) -> list[str]:
    """Names of the secrets that are empty or still hold a development default."""
    secrets = {
        "ORDERFLOW_STOREFRONT_TOKEN": settings.storefront_token,
        "ORDERFLOW_AGENT_TOKENS": settings.agent_tokens,
        "ORDERFLOW_COURIER_TOKENS": settings.courier_tokens,
        "ORDERFLOW_OPERATOR_TOKENS": settings.operator_tokens,
        "ORDERFLOW_LINK_SECRET": settings.link_secret,
        "ORDERFLOW_DATA_KEY": settings.data_key,
    }
    return [
        name for name, value in secrets.items() if not value.strip() or DEV_SECRET in value or value == DEV_DATA_KEY
    ]


def parse_token_pairs(pairs: str) -> dict[str, str]:
    """`"id:token,id:token"` → {token: id}."""
    result: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in pairs.split(","))):
        identity, _, token = pair.partition(":")
        if identity and token:
            result[token] = identity
    return result


@lru_cache
def get_settings() -> Settings:
    return Settings()
