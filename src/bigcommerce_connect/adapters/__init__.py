"""Storage adapters implementing :mod:`bigcommerce_connect.ports`: ``memory`` and ``sqlite``."""
