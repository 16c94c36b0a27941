"""B2B access: every B2B action names the acting employee, and the host's policy decides."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from bigcommerce_connect.errors import BigCommerceError
from bigcommerce_connect.ports import AccessPolicy

__all__ = ["ITEM_CARD_ACTION", "AccessDeniedError", "EmployeeListPolicy", "check_access"]

#: The action an Item Card's B2B button asks the policy for (create or link a product).
ITEM_CARD_ACTION: Final = "upload_products"


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


class EmployeeListPolicy:
    """An :class:`AccessPolicy` granting every action to the listed employees, none to others.

    The original product's Employee Card › Secure Web › Access checkbox, as a list: the CLI
    builds one from ``StoreSettings.b2b_employees``. Names are compared exactly (after
    stripping surrounding whitespace); a blank name is never granted.
    """

    def __init__(self, employees: Iterable[str]) -> None:
        self.employees = frozenset(name.strip() for name in employees if name.strip())

    def may_use_store(self, employee: str, action: str) -> bool:
        """Whether ``employee`` is on the list (every action alike)."""
        return employee.strip() in self.employees
