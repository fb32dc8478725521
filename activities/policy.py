"""Reads the settings that steer a new order, so they are recorded in its history."""

from temporalio import activity

from orderflow.contract.names import LOAD_ORDER_POLICY
from orderflow.contract.policy import OrderPolicy
from orderflow.settings import Settings


class PolicyActivities:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @activity.defn(name=LOAD_ORDER_POLICY)
    def load_order_policy(self) -> OrderPolicy:
        return self._settings.order_policy()
