"""Dispatch and delivery as one phase of the order: attempts, the courier's reports, our downtime."""
