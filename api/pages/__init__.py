"""Customer pages: Jinja2 templates (autoescaped) and the static files they load, all served locally."""
