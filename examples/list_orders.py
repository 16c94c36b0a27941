"""List the orders awaiting fulfillment in a store: here the local sandbox store.

Against a real store, replace the sandbox block with your pasted API path and token:

    client = BigCommerceClient("https://api.bigcommerce.com/stores/<hash>/v3/",
                               os.environ["BIGCOMMERCE_API_TOKEN"])
"""

from __future__ import annotations

from bigcommerce_connect import BigCommerceClient, OrderStatus
from bigcommerce_connect.sandbox import SandboxConfig, run_sandbox
from bigcommerce_connect.sync import dashboard


def main() -> None:
    with (
        run_sandbox(SandboxConfig(seed=1, orders=60)) as sandbox,
        BigCommerceClient(
            sandbox.api_path, sandbox.access_token, allow_insecure_host=True
        ) as client,
    ):
        print(f"Store {client.endpoint.store_hash} at {client.endpoint.v3_base}")
        for order in client.orders.iter(status_id=OrderStatus.AWAITING_FULFILLMENT):
            billing = order.billing_address
            name = f"{billing.first_name} {billing.last_name}" if billing else "?"
            print(
                f"  order {order.id:>4}  {name:<32} {order.total_inc_tax:>10} {order.currency_code}"
                f"  {len(order.products)} line(s)"
            )
        counts = dashboard(client)
        print(f"To fulfill: {counts.to_fulfill}   To ship: {counts.to_ship}")
        print(f"API calls: {client.api_calls}")


if __name__ == "__main__":
    main()
