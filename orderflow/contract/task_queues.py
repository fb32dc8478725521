"""Task queue names: part of the public Temporal contract (see DESIGN.md)."""

ORDERS = "orders"  # workflows and store activities
VISION = "vision"  # photo-ident, CPU-heavy, scaled separately
MESSAGING = "messaging"  # customer e-mail
WEBHOOKS = "webhooks"  # signed events to the storefront's endpoints


def sibling(own_queue: str, queue: str) -> str:
    """The `queue` that belongs with `own_queue`: `orders` → `vision`, `orders-blue` → `vision-blue`.

    A suffix on the orders queue carries over to the activity queues, so parallel deployments
    (and each test's own uuid4 queues) never steal each other's tasks.
    """
    _, dash, suffix = own_queue.partition("-")
    return f"{queue}-{suffix}" if dash else queue
