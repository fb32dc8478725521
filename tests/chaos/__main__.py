"""`python -m tests.chaos --orders 100 --worker-kills 8`: the large chaos run, by hand."""

import os
import sys

from tests.chaos.run import main

os.environ.setdefault("ORDERFLOW_ENV", "test")  # the stack's development secrets are fine here
sys.exit(main())
