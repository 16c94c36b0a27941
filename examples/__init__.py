"""Runnable examples and scheduling recipes (``examples.celery_app``, ``examples.rq_jobs`` ...).

A package so that a Celery or RQ worker started from the repository's root imports the
recipes by their dotted names; each module's docstring says how to run it.
"""
