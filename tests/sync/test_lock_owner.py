"""A store lock's owner names the host and process of the run that holds it."""

from __future__ import annotations

import os
import socket

from bigcommerce_connect.sync.importer import lock_owner


def test_the_owner_names_host_and_process_and_is_unique_per_run() -> None:
    owner = lock_owner()
    host, pid, unique = owner.split(":")
    assert host == socket.gethostname()[:64]
    assert pid == str(os.getpid())
    assert len(unique) == 12
    assert lock_owner() != owner  # two runners of one process are two owners
