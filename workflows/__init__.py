"""Workflows. Deterministic: no I/O, no clocks but `workflow.now()`, no vision or ORM imports."""
