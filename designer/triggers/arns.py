"""ARNs of EventBridge Scheduler and EventBridge resources, as AWS formats them."""

from django.conf import settings


def _account() -> str:
    return settings.STATECRAFT_ACCOUNT_ID


def schedule_group_arn(region: str, name: str) -> str:
    return f"arn:aws:scheduler:{region}:{_account()}:schedule-group/{name}"


def schedule_arn(region: str, group: str, name: str) -> str:
    return f"arn:aws:scheduler:{region}:{_account()}:schedule/{group}/{name}"


def event_bus_arn(region: str, name: str) -> str:
    return f"arn:aws:events:{region}:{_account()}:event-bus/{name}"


def rule_arn(region: str, bus: str, name: str) -> str:
    # AWS: rules on the default bus leave the bus out of the ARN.
    path = name if bus == "default" else f"{bus}/{name}"
    return f"arn:aws:events:{region}:{_account()}:rule/{path}"
