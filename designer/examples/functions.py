"""The local Lambda functions the example workflows call (registered in settings.STATECRAFT_FUNCTIONS).

Each takes the Lambda event (the Task's effective input) and returns the result, as a Python
Lambda handler does. They are deterministic so that a demo run always takes the same path:
an error is raised as an exception whose class name is the Step Functions error name
(`PaymentDeclined`, `InvalidOrder`, ...), which Retry and Catch match.
"""

from typing import Any

# Orders above this total are declined, so that the example's Catch path can be tried on purpose.
CARD_LIMIT = 1000


class InvalidOrder(Exception):
    """The order is missing fields or has an impossible line."""


class PaymentDeclined(Exception):
    """The card was declined."""


class InventoryBusy(Exception):
    """The warehouse asks to try again later (a transient error for Retry)."""


def validate_order(event: dict, context: Any = None) -> dict:
    """Check the order and return its lines with the computed total."""
    problems = []
    if not event.get("orderId"):
        problems.append("orderId is missing")
    email = (event.get("customer") or {}).get("email")
    if not email or "@" not in email:
        problems.append("customer.email is missing or not an address")
    items = event.get("items")
    if not isinstance(items, list) or not items:
        problems.append("items must be a non-empty list")
        items = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("sku"):
            problems.append(f"items[{i}].sku is missing")
        elif not isinstance(item.get("qty"), int) or item["qty"] < 1:
            problems.append(f"items[{i}].qty must be a positive whole number")
        elif not isinstance(item.get("price"), (int, float)) or item["price"] < 0:
            problems.append(f"items[{i}].price must be a number of at least 0")
    if problems:
        raise InvalidOrder("; ".join(problems))
    total = round(sum(item["qty"] * item["price"] for item in items), 2)
    return {"items": items, "lines": len(items), "total": total}


def charge_payment(event: dict, context: Any = None) -> dict:
    """Charge the order's total; totals above CARD_LIMIT are declined."""
    amount, currency = event["amount"], event.get("currency", "EUR")
    if amount > CARD_LIMIT:
        raise PaymentDeclined(f"card declined: {amount} {currency} is above the limit of {CARD_LIMIT}")
    return {"chargeId": f"ch_{event['orderId']}", "amount": amount, "currency": currency}


def reserve_item(event: dict, context: Any = None) -> dict:
    """Reserve one order line; bulk lines (qty >= 10) are busy on the first attempt."""
    if event["qty"] >= 10 and event.get("attempt", 0) == 0:
        raise InventoryBusy(f"the warehouse is busy reserving {event['qty']} x {event['sku']}; try again")
    return {"sku": event["sku"], "qty": event["qty"], "reservationId": f"res_{event['sku']}_{event['qty']}"}


def notify_customer(event: dict, context: Any = None) -> dict:
    """Pretend to send an e-mail; return what would have been sent."""
    return {
        "to": event.get("email"),
        "subject": f"Order {event.get('orderId')}: {event.get('status', 'UPDATE').lower().replace('_', ' ')}",
        "sent": True,
    }


def total_order_batch(event: dict, context: Any = None) -> dict:
    """Total one batch of CSV order rows (every CSV value is a string) in the batch's currency."""
    orders = event.get("Items") or []
    total = round(sum(float(order.get("amount") or 0) for order in orders), 2)
    return {"orders": len(orders), "total": total, "currency": (event.get("BatchInput") or {}).get("currency")}
