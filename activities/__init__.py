"""Activities: the workflow's side effects, grouped by the client they need."""
