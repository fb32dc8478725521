"""The order workflow's Temporal contract, shared by the API, the workers and the tests (the role of `shared.py`
in temporalio/samples-python): the payload models, the names of the workflow, its updates, signals, query and
activities, the task queues, the rules both sides check, and a typed client. Side-effect free: the workflow
sandbox imports it."""
