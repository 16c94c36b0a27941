"""The Celery tasks of many stores: ``sync_store``, ``handle_webhook`` and their schedule.

See :func:`register` (and docs/scheduling.md). Celery itself is never imported here: the
tasks are defined on the application the host passes in, so importing this module (or the
SDK) costs nothing when Celery is not installed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Final

import attrs

from bigcommerce_connect.clock import SystemClock
from bigcommerce_connect.contrib.celery.policy import Backoff, Verdict, VerdictKind
from bigcommerce_connect.contrib.celery.policy import verdict_for_code as _verdict_for_code
from bigcommerce_connect.contrib.stores import (
    StoreDirectory,
    StoreDirectoryError,
    check_store_id,
    scheduled_store_ids,
)
from bigcommerce_connect.errors import BigCommerceError, safe_text
from bigcommerce_connect.mapping import InMemoryMappingStore, MappingStore
from bigcommerce_connect.notifications import Notification, NotificationKind, Notifier
from bigcommerce_connect.ports import ErpAdapters
from bigcommerce_connect.secret import CredentialError
from bigcommerce_connect.settings import SettingsError, StoreSettings
from bigcommerce_connect.sync import ErpPorts, StoreImporter, SyncRunner, push_inventory
from bigcommerce_connect.sync.webhooks import SECRET_HEADER

__all__ = [
    "DEFAULT_EVERY",
    "REFUSED_NOTIFICATION",
    "SECRET_DIGEST_HEADER",
    "CeleryIntegration",
    "LogNotifier",
    "recommended_config",
    "register",
    "secret_digest",
    "webhook_wire_args",
]

log = logging.getLogger("bigcommerce_connect.contrib.celery")

#: Seconds between two scheduled cycles of a store when ``register`` is given no ``every``.
DEFAULT_EVERY: Final = 300.0
#: A cycle running longer than this is stopped by a prefork worker (the store lock's lease
#: lets the next cycle take over).
DEFAULT_TIME_LIMIT: Final = 30 * 60
#: Redis redelivers a task nobody acknowledged after this many seconds (see recommended_config).
DEFAULT_VISIBILITY_TIMEOUT: Final = 2 * 3600
#: The code of the notification a task sends when it will not retry (a person must act).
REFUSED_NOTIFICATION: Final = "celery.sync.refused"
#: The header that replaces the webhook's secret header on the wire (a digest, not the secret).
SECRET_DIGEST_HEADER: Final = "X-Connect-Secret-Sha256"  # noqa: S105 - a header name

# What makes a store unusable before any work: its id, or its settings (file unreadable,
# not UTF-8, refused by the checks).
_SETTINGS_ERRORS: Final = (
    StoreDirectoryError,
    SettingsError,
    CredentialError,
    OSError,
    UnicodeDecodeError,
)

#: Opens a store's ERP by store id; the context manager closes it.
ErpFactory = Callable[[str], AbstractContextManager[ErpAdapters]]


def recommended_config(*, visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT) -> dict[str, Any]:
    """The Celery settings the integration relies on (``app.conf.update(...)`` applies them).

    * ``task_acks_late`` / ``task_reject_on_worker_lost``: a task is acknowledged when it
      finished, so one whose worker died (SIGKILL, OOM) is delivered again; safe, because a
      cycle imports nothing twice (bindings, one unit of work per order) and a cycle that
      finds the store locked does nothing.
    * ``worker_prefetch_multiplier = 1``: a worker process reserves one task at a time, so a
      long cycle does not hold other stores' tasks hostage in its prefetch buffer.
    * JSON only (``task_serializer``, ``result_serializer``, ``accept_content``): only store ids,
      webhook bodies (base64) and reports travel, and nothing is unpickled from the broker.
    * ``broker_transport_options.visibility_timeout``: Redis redelivers an unacknowledged task
      after this many seconds. It must exceed the longest cycle (``time_limit``) and the
      longest retry countdown (``Backoff.maximum``), or a running or waiting task is
      delivered twice (harmless for the data, but wasted work).
    """
    return {
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_transport_options": {"visibility_timeout": visibility_timeout},
        "broker_connection_retry_on_startup": True,
    }


def secret_digest(store_id: str, value: str | bytes) -> str:
    """The wire form of a webhook's secret header: a SHA-256 digest bound to the store id.

    The web side enqueues it instead of the secret; the worker compares it with the digest of
    the store's secret. The broker never holds the secret (use a long random secret: a digest
    of a guessable one can be guessed).
    """
    raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    material = b"bigcommerce_connect webhook secret\0" + store_id.encode() + b"\0" + raw
    return hashlib.sha256(material).hexdigest()


def webhook_wire_args(
    store_id: str,
    headers: Mapping[Any, Any],
    body: bytes,
    *,
    secret_header: str = SECRET_HEADER,
) -> tuple[str, dict[str, str], str]:
    """``handle_webhook``'s arguments for one delivery: ``(store_id, headers, body)``.

    ``body`` travels as base64 text (the JSON serializer carries no bytes, and the exact bytes
    name a delivery when it has no hash). Of the headers only the secret header matters to
    the handler: it travels as :func:`secret_digest` under :data:`SECRET_DIGEST_HEADER`, and
    every other header (cookies, proxy credentials) is dropped. A delivery without exactly
    one secret header travels without a digest and is rejected (401) by the worker.
    """
    check_store_id(store_id)
    wanted = secret_header.lower()
    values = [value for name, value in headers.items() if _lower_name(name) == wanted]
    wire: dict[str, str] = {}
    if len(values) == 1 and isinstance(values[0], (str, bytes)):
        wire[SECRET_DIGEST_HEADER] = secret_digest(store_id, values[0])
    return store_id, wire, base64.b64encode(bytes(body)).decode("ascii")


def _lower_name(name: object) -> str | None:
    if isinstance(name, str):
        return name.lower()
    if isinstance(name, bytes):
        return name.decode("latin-1").lower()
    return None


@attrs.define
class CeleryIntegration:
    """What :func:`register` defined on a Celery app: the two tasks and the schedule's source.

    ``sync_store`` and ``handle_webhook`` are the Celery tasks (call ``.delay(store_id)`` or
    use :meth:`enqueue_webhook`); :meth:`beat_schedule` builds beat's entries and
    :meth:`install_schedule` puts them on ``app.conf.beat_schedule``.
    """

    app: Any
    stores: StoreDirectory
    erp: ErpFactory
    every: float
    mappings: Callable[[str], MappingStore]
    inventory: bool
    changes: bool
    client_options: Mapping[str, Any]
    backoff: Backoff
    max_retries: int
    secret_header: str
    fallback_notifier: Notifier
    sync_store: Any = None
    handle_webhook: Any = None

    # -- the schedule ----------------------------------------------------------------------

    def beat_schedule(self) -> dict[str, dict[str, Any]]:
        """One entry per store whose settings turn ``auto_import`` on, every ``every`` seconds.

        ``expires`` is the interval: a cycle not started before the next one is due is dropped,
        so a busy fleet never stacks cycles of one store. A store whose settings cannot be read
        stops this with its error (beat should not start on a broken directory).
        """
        return {
            f"sync store {store_id}": {
                "task": self.sync_store.name,
                "schedule": self.every,
                "args": (store_id,),
                "options": {"expires": self.every},
            }
            for store_id in scheduled_store_ids(self.stores)
        }

    def install_schedule(self) -> dict[str, dict[str, Any]]:
        """Put :meth:`beat_schedule` on ``app.conf.beat_schedule`` (other entries are kept)."""
        current = dict(self.app.conf.beat_schedule or {})
        current = {k: v for k, v in current.items() if not k.startswith("sync store ")}
        entries = self.beat_schedule()
        self.app.conf.beat_schedule = {**current, **entries}
        return entries

    # -- the web side ----------------------------------------------------------------------

    def enqueue_webhook(self, store_id: str, headers: Mapping[Any, Any], body: bytes) -> Any:
        """Queue one delivery for ``handle_webhook``; the web endpoint answers 202 at once.

        Returns Celery's ``AsyncResult``. See :func:`webhook_wire_args` for what travels.
        """
        args = webhook_wire_args(store_id, headers, body, secret_header=self.secret_header)
        return self.handle_webhook.apply_async(args=args)

    # -- the work --------------------------------------------------------------------------

    def run_cycle(self, store_id: str) -> tuple[dict[str, Any], Verdict]:
        """One cycle of one store and the verdict on it; what ``sync_store`` runs.

        Never raises for the store's or the ERP's failures: they become the verdict.
        """
        return self._guarded(store_id, self._cycle, retries=0)

    def _guarded(
        self,
        store_id: object,
        work: Callable[[str, StoreSettings], tuple[dict[str, Any], str | None, float | None]],
        *,
        retries: int,
    ) -> tuple[dict[str, Any], Verdict]:
        """Validate the id, load the settings, run ``work``; map every failure to a verdict."""
        try:
            valid = check_store_id(store_id)
            settings = self.stores.settings(valid)
        except _SETTINGS_ERRORS as error:
            # Never retried: a retry reads the same id and the same file.
            return self._refused_before_start(store_id, error)
        except Exception as error:  # a directory of the host's own (a table) may be down
            failed, failed_code, wait = self._failure(valid, error)
            verdict = self._verdict(failed_code, retries=retries, retry_after=wait)
            return {**failed, "stopped_by": failed_code}, verdict
        code: str | None
        try:
            data, code, retry_after = work(valid, settings)
        except Exception as error:
            data, code, retry_after = self._failure(valid, error)
        verdict = self._verdict(code, retries=retries, retry_after=retry_after)
        if verdict.kind is VerdictKind.REFUSED:
            self._notify_refused(valid, settings, verdict.code or "")
        return {**data, "stopped_by": data.get("stopped_by", code)}, verdict

    def _failure(self, store_id: str, error: Exception) -> tuple[dict[str, Any], str, float | None]:
        """A failure the work raised: its result data, its code and the wait it asked for."""
        code = _code_of(error)
        log.warning("store %s: %s stopped the task: %s", store_id, code, _describe(error))
        data = {"store_id": store_id, "failed": True, "errors": [_describe(error)]}
        return data, code, getattr(error, "retry_after", None)

    def _verdict(self, code: str | None, *, retries: int, retry_after: float | None) -> Verdict:
        return _verdict_for_code(
            code, retries=retries, backoff=self.backoff, retry_after=retry_after
        )

    def _cycle(
        self, store_id: str, settings: StoreSettings
    ) -> tuple[dict[str, Any], str | None, float | None]:
        with self._ports(store_id, settings) as (client, ports, adapters):
            inventory = push_inventory(_stock_of(adapters)) if self.inventory else None
            runner = SyncRunner(client, settings, ports, inventory=inventory, changes=self.changes)
            report = runner.run_cycle()
        return {"store_id": store_id, **report.to_dict()}, report.stopped_by, report.retry_after

    def _webhook(
        self, store_id: str, settings: StoreSettings, headers: Mapping[str, str], body: bytes
    ) -> tuple[dict[str, Any], str | None, float | None]:
        secret = self.stores.webhook_secret(store_id)
        if not secret:
            raise StoreDirectoryError(f"store {store_id} has no webhook secret")
        digest = headers.get(SECRET_DIGEST_HEADER, "")
        expected = secret_digest(store_id, secret)
        # The handler checks the header again; an unmatched digest reaches it without one.
        handler_headers = (
            {self.secret_header: secret} if hmac.compare_digest(digest, expected) else {}
        )
        with self._ports(store_id, settings) as (client, ports, _adapters):
            importer = StoreImporter(client, settings, ports)
            handler = importer.webhook_handler(secret, secret_header=self.secret_header)
            result = handler.handle(handler_headers, body)
        data = {
            "store_id": store_id,
            "outcome": result.outcome.value,
            "http_status": result.http_status,
            "detail": result.detail,
            "failed": False,
        }
        return data, None, None

    @contextmanager
    def _ports(self, store_id: str, settings: StoreSettings) -> Iterator[tuple[Any, ErpPorts, Any]]:
        with self.erp(store_id) as adapters, settings.connect(**self.client_options) as client:
            ports = ErpPorts.from_erp(
                adapters, mappings=self.mappings(store_id), clock=SystemClock()
            )
            yield client, ports, adapters

    def _refused_before_start(
        self, store_id: object, error: Exception
    ) -> tuple[dict[str, Any], Verdict]:
        # Before any work: the id, or the settings file (unreadable, not UTF-8, refused).
        code = "store_directory" if isinstance(error, StoreDirectoryError) else "settings"
        shown = store_id if isinstance(store_id, str) and check_id_quietly(store_id) else None
        log.warning("store %s: refused, not retried: %s", shown or "(invalid id)", _describe(error))
        data = {"store_id": shown, "failed": True, "errors": [_describe(error)], "stopped_by": code}
        # Not through the store's ERP: without usable settings the store may have none, and
        # opening one by this id could create it.
        self.fallback_notifier.notify(
            Notification(
                kind=NotificationKind.ERROR,
                code=REFUSED_NOTIFICATION,
                message=f"store {shown or '(invalid id)'}: {_describe(error)}; not retried",
                store=shown or "",
            )
        )
        return data, Verdict(VerdictKind.REFUSED, code)

    def _notify_refused(self, store_id: str, settings: StoreSettings, code: str) -> None:
        message = (
            f"store {store_id}: the work stopped on {code} and is not retried; "
            "fix the store's credentials or settings (the next scheduled cycle tries again)"
        )
        self._notify(store_id, settings.notify_to, message)

    def _notify(self, store_id: str, recipient: str, message: str) -> None:
        """A refusal through the store's ERP notifier; the fallback one if it cannot open."""
        notification = Notification(
            kind=NotificationKind.ERROR,
            code=REFUSED_NOTIFICATION,
            message=message,
            recipient=recipient,
            store=store_id,
        )
        try:
            with self.erp(store_id) as adapters:
                adapters.notifier.notify(notification)
                return
        except Exception as error:
            log.warning(
                "store %s: refusal not notified through its ERP: %s", store_id, _describe(error)
            )
        self.fallback_notifier.notify(notification)


class LogNotifier:
    """Notifications as ERROR log lines (the default ``fallback_notifier``)."""

    def notify(self, notification: Notification) -> None:
        """Log ``notification`` on the ``bigcommerce_connect.contrib.celery`` logger."""
        log.error("%s: %s", notification.code, notification.message)


def _stock_of(adapters: Any) -> Any:
    stock = getattr(adapters, "stock", None)
    if stock is None:
        raise StoreDirectoryError("inventory=True needs an ERP with a stock port")
    return stock


def check_id_quietly(store_id: str) -> bool:
    """Whether ``store_id`` is valid (no exception)."""
    try:
        check_store_id(store_id)
    except StoreDirectoryError:
        return False
    return True


def _code_of(error: BaseException) -> str:
    """The code a failure inside a task's work maps to (see :mod:`.policy`)."""
    if isinstance(error, (StoreDirectoryError, BigCommerceError)):
        return str(error.code)
    if isinstance(error, (SettingsError, CredentialError)):
        return "settings"
    # Anything else (the ERP's database, a disk, a bug): may pass, so retried, bounded.
    return "unexpected"


def _describe(error: BaseException) -> str:
    """An exception as one safe line: its class and message (SDK messages hold no secret)."""
    return safe_text(f"{type(error).__name__}: {error}", 400)


def register(
    app: Any,
    *,
    stores: StoreDirectory,
    erp: ErpFactory,
    every: float = DEFAULT_EVERY,
    mappings: Callable[[str], MappingStore] | None = None,
    inventory: bool = False,
    changes: bool = False,
    client_options: Mapping[str, Any] | None = None,
    backoff: Backoff | None = None,
    max_retries: int = 5,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    secret_header: str = SECRET_HEADER,
    fallback_notifier: Notifier | None = None,
    configure: bool = False,
    visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT,
    namespace: str = "bigcommerce_connect",
) -> CeleryIntegration:
    """Define ``sync_store`` and ``handle_webhook`` on ``app``; return the integration.

    Args:
        app: the Celery application.
        stores: finds a store's settings and webhook secret by id (only ids travel).
        erp: opens a store's ERP by id, as a context manager that closes it.
        every: seconds between two scheduled cycles of a store (``StoreSettings`` has no
            interval of its own).
        mappings: a store's mapping store by id (default: the built-in mappings, in memory).
        inventory: push ERP stock in each cycle (the ERP must have a ``stock`` port).
        changes: run the changes stream in each cycle (hosts without webhooks).
        client_options: keyword options of ``StoreSettings.connect`` (timeouts, retry policy).
        backoff: waits between retries; ``max_retries``: how many retries a task gets.
        time_limit: hard time limit of a task in a prefork worker (``None``: none).
        secret_header: the header the store's webhooks carry their secret in.
        fallback_notifier: where a refusal goes when the store's settings are unusable (its
            ERP may not exist) or its ERP cannot be opened (default: an ERROR log line).
        configure: also apply :func:`recommended_config` (with ``visibility_timeout``).
        namespace: the prefix of the task names (``{namespace}.sync_store``).
    """
    backoff = backoff or Backoff()
    if configure:
        if backoff.maximum >= visibility_timeout:
            raise ValueError("the longest retry countdown must be below the visibility timeout")
        app.conf.update(recommended_config(visibility_timeout=visibility_timeout))
    integration = CeleryIntegration(
        app=app,
        stores=stores,
        erp=erp,
        every=float(every),
        mappings=mappings or (lambda _store_id: InMemoryMappingStore()),
        inventory=inventory,
        changes=changes,
        client_options=dict(client_options or {}),
        backoff=backoff,
        max_retries=max_retries,
        secret_header=secret_header,
        fallback_notifier=fallback_notifier or LogNotifier(),
    )
    options = {
        "bind": True,
        "acks_late": True,
        "reject_on_worker_lost": True,
        "serializer": "json",
        "time_limit": time_limit,
        "max_retries": max_retries,
        # Not shared: a shared task is added to every app created later in the process,
        # and the first one registered under a name would win there.
        "shared": False,
    }
    integration.sync_store = app.task(name=f"{namespace}.sync_store", **options)(
        _sync_task(integration)
    )
    integration.handle_webhook = app.task(name=f"{namespace}.handle_webhook", **options)(
        _webhook_task(integration)
    )
    return integration


def _finish(
    task: Any, integration: CeleryIntegration, data: dict[str, Any], verdict: Verdict
) -> dict[str, Any]:
    """Return the result, or retry: what every task does with its verdict."""
    retries = int(task.request.retries or 0)
    if verdict.kind is VerdictKind.RETRY:
        if retries < integration.max_retries:
            log.info("retrying in %.1f s after %s", verdict.countdown or 0.0, verdict.code)
            raise task.retry(countdown=verdict.countdown, max_retries=integration.max_retries)
        return {**data, "outcome": "gave_up", "retries": retries}
    outcome = data.get("outcome") or _OUTCOMES[verdict.kind]
    if verdict.kind is VerdictKind.DONE and data.get("skipped"):
        outcome = "skipped"  # auto_import is off: nothing was read or written
    elif verdict.kind is VerdictKind.DONE and data.get("failed"):
        outcome = "failed"  # a stage stopped on something a retry would not fix
    return {**data, "outcome": outcome, "retries": retries}


_OUTCOMES: Final = {
    VerdictKind.DONE: "done",
    VerdictKind.LOCKED: "locked",
    VerdictKind.REFUSED: "refused",
}


def _sync_task(integration: CeleryIntegration) -> Callable[..., dict[str, Any]]:
    def sync_store(self: Any, store_id: str) -> dict[str, Any]:
        """One cycle of one store (only its id travels through the broker); the report."""
        retries = int(self.request.retries or 0)
        data, verdict = integration._guarded(store_id, integration._cycle, retries=retries)
        return _finish(self, integration, data, verdict)

    return sync_store


def _webhook_task(integration: CeleryIntegration) -> Callable[..., dict[str, Any]]:
    def handle_webhook(
        self: Any, store_id: str, headers: dict[str, str], body: str
    ) -> dict[str, Any]:
        """One webhook delivery of one store (body base64); the handler's outcome."""
        retries = int(self.request.retries or 0)
        try:
            raw = base64.b64decode(body.encode("ascii"), validate=True)
            if not isinstance(headers, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
            ):
                raise TypeError("headers must be a dict of text")
        except (AttributeError, UnicodeError, binascii.Error, TypeError) as error:
            # The id is not checked yet: never echo an untrusted one into the log.
            shown = store_id if isinstance(store_id, str) and check_id_quietly(store_id) else None
            log.warning(
                "webhook for store %s refused: %s", shown or "(invalid id)", _describe(error)
            )
            data = {"store_id": None, "outcome": "rejected", "http_status": 400, "failed": True}
            return {**data, "retries": retries}

        def work(
            valid: str, settings: StoreSettings
        ) -> tuple[dict[str, Any], str | None, float | None]:
            return integration._webhook(valid, settings, headers, raw)

        data, verdict = integration._guarded(store_id, work, retries=retries)
        return _finish(self, integration, data, verdict)

    return handle_webhook
