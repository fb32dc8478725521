"""The command-line programs, one module each: `python -m orderflow.cli.<name> --help`.

They parse arguments and print; what they do lives in the library modules the API and the workers
use too (orderflow/privacy.py, orderflow/retention.py, orderflow/store/schema.py, orderflow/ops/).
"""
