"""Tools for operators: stuck orders and cluster setup (`python -m orderflow.ops --help`)."""
