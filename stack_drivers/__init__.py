"""Driving the real stack from outside, as its users and its operators do: the stack's processes
(killable), HTTP clients that retry like real ones, the people on an order (storefront, customer,
agent, courier), a local SendGrid stand-in and a sample order.

Shared by the chaos suite (tests/chaos) and the load benchmark (bench/load.py); not part of the
installed package, so run them from the repository root as both do.
"""
