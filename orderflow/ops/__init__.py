"""What operators ask of the running orders: stuck orders, unconfirmed messages (the API's `/ops` routes
and `python -m orderflow.cli.ops`)."""
