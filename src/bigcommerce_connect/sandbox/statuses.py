"""The platform's fixed order statuses (ids 0-14) with their system labels."""

from __future__ import annotations

#: Order statuses: (id, system label, description, control-panel sort order).
ORDER_STATUSES: tuple[tuple[int, str, str, int], ...] = (
    (
        0,
        "Incomplete",
        "An incomplete order happens when a shopper reached the payment page, "
        "but did not complete the transaction.",
        0,
    ),
    (1, "Pending", "Customer started the checkout process, but did not complete it.", 1),
    (2, "Shipped", "Order has been shipped, but receipt has not been confirmed.", 8),
    (3, "Partially Shipped", "Only some items in the order have been shipped.", 6),
    (4, "Refunded", "Seller has used the Refund action.", 10),
    (
        5,
        "Cancelled",
        "Seller has cancelled an order, due to a stock inconsistency or other reasons.",
        9,
    ),
    (
        6,
        "Declined",
        "Seller has marked the order as declined for lack of manual payment, or other reasons.",
        11,
    ),
    (
        7,
        "Awaiting Payment",
        "Customer has completed checkout process, but payment has yet to be confirmed.",
        2,
    ),
    (
        8,
        "Awaiting Pickup",
        "Order has been pulled, and is awaiting customer pickup from a seller-specified location.",
        5,
    ),
    (
        9,
        "Awaiting Shipment",
        "Order has been pulled and packaged, and is awaiting collection from a shipping provider.",
        4,
    ),
    (
        10,
        "Completed",
        "Client has paid for their digital product and their file(s) are available for download.",
        7,
    ),
    (
        11,
        "Awaiting Fulfillment",
        "Customer has completed the checkout process and payment has been confirmed.",
        3,
    ),
    (
        12,
        "Manual Verification Required",
        "Order on hold while some aspect needs to be manually confirmed.",
        13,
    ),
    (
        13,
        "Disputed",
        "Customer has initiated a dispute resolution process for the PayPal "
        "transaction that paid for the order.",
        12,
    ),
    (14, "Partially Refunded", "Seller has partially refunded the order.", 14),
)
STATUS_LABELS: dict[int, str] = {s[0]: s[1] for s in ORDER_STATUSES}
