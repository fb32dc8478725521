"""Relational store (SQLModel): SQLite by default, PostgreSQL through ORDERFLOW_DATABASE_URL."""
