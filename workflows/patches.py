"""Ids of `workflow.patched` branches: each marks a behaviour change that running orders must replay around.

A new id for every change that alters the commands a workflow issues (docs/versioning.md). Once no order that
started before a patch can still be running, its old branch goes via `workflow.deprecate_patch`, then the id goes.
"""

# An operator's re-open of a failed attempt issues and e-mails a fresh delivery code.
REOPEN_ISSUES_FRESH_CODE = "reopen-issues-fresh-code"
# A photo check that is down (our outage) sends its own message, once per order.
CHECK_UNAVAILABLE_SAID_ONCE = "check-unavailable-said-once"
