"""``python -m bigcommerce_connect``: the ``bigcommerce-connect`` command line."""

from __future__ import annotations

import sys

from bigcommerce_connect.cli import main

if __name__ == "__main__":
    sys.exit(main())
