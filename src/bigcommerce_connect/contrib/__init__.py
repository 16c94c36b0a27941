"""Integrations with other engines, each behind an optional extra; none is imported eagerly.

* :mod:`bigcommerce_connect.contrib.stores` - a directory of stores (settings by store id),
  needed by any job queue that passes store ids instead of settings;
* :mod:`bigcommerce_connect.contrib.celery` - scheduled cycles and webhook imports for many
  stores on Celery (extra ``celery``).

Nothing here is re-exported from :mod:`bigcommerce_connect`: importing the SDK never imports
Celery. Import what you use from its module, e.g.
``from bigcommerce_connect.contrib.celery import register``.
"""
