"""All four workers in one process, for development: `python -m workers`."""

from workers.common import main
from workers.messaging import build_messaging_worker
from workers.orders import build_orders_worker
from workers.vision import build_vision_worker
from workers.webhooks import build_webhooks_worker

if __name__ == "__main__":
    main([build_orders_worker, build_messaging_worker, build_vision_worker, build_webhooks_worker])
