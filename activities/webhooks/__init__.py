"""Webhook activities (task queue `webhooks`): fan an order event out to the endpoints, send one delivery."""
