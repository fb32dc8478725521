"""`python -m orderflow.cli.devstack`: the whole dev stack in one command (`__main__.py`), the
processes it runs (`stack.py`), the banner it prints and the example order it places."""
