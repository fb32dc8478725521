"""Signed order events to the storefront's endpoints, to the Standard Webhooks specification."""
