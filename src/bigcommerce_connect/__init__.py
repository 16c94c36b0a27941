"""bigcommerce-connect: connect an ERP or accounting system to a BigCommerce store.

The public API is re-exported here; everything else is an implementation detail.
"""

from bigcommerce_connect._version import __version__

__all__ = ["__version__"]
