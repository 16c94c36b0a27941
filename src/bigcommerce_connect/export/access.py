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
    Only the bool ``True`` grants: any other answer (``"no"``, ``1``, a list, ``None``) is a
    refusal, and so is a policy that raises (the refusal chains its error).
    """
    if not employee.strip():
        raise AccessDeniedError(employee, action)
    try:
        answer: object = policy.may_use_store(employee, action)
    except Exception as error:  # a broken policy must not open the door, nor crash the caller
        raise AccessDeniedError(employee, action) from error
    if answer is not True:
        raise AccessDeniedError(employee, action)
