"""Shared pieces of orderflow: settings, the Temporal contract's types, the store."""
