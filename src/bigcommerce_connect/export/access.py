"""B2B access: every B2B action names the acting employee, and the host's policy decides."""

from __future__ import annotations

from bigcommerce_connect.errors import BigCommerceError
from bigcommerce_connect.ports import AccessPolicy

__all__ = ["AccessDeniedError", "check_access"]


class AccessDeniedError(BigCommerceError):
    """The access policy refused the employee this action; nothing was sent to the store."""

    code = "access_denied"

    def __init__(self, employee: str, action: str) -> None:
        self.employee = employee
        self.action = action
        who = repr(employee) if employee else "an unnamed employee"
        super().__init__(f"{who} may not {action.replace('_', ' ')} on this store (B2B access)")


def check_access(policy: AccessPolicy, employee: str, action: str) -> None:
    """Raise :class:`AccessDeniedError` unless ``policy`` lets ``employee`` do ``action``.

    A blank employee is always refused: an action nobody is accountable for is not allowed.
    """
    if not employee.strip() or not policy.may_use_store(employee, action):
        raise AccessDeniedError(employee, action)
