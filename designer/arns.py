"""Step Functions ARNs, built and parsed exactly as AWS formats them.

    arn:aws:states:<region>:<account>:stateMachine:<name>
    arn:aws:states:<region>:<account>:stateMachine:<name>:<version number>
    arn:aws:states:<region>:<account>:stateMachine:<name>:<alias>
    arn:aws:states:<region>:<account>:execution:<machine>:<execution name>
    arn:aws:states:<region>:<account>:express:<machine>:<execution name>:<uuid>
    arn:aws:states:<region>:<account>:activity:<name>

The account is the owner's own (`designer.accounts`; builders fall back to
`settings.STATECRAFT_ACCOUNT_ID` when given none); the region comes from each request's SigV4
credential scope. Parse errors carry AWS's `InvalidArn` messages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


class InvalidArn(Exception):
    """A malformed or wrong-kind ARN; `str(exc)` is AWS's message."""


def account_id() -> str:
    return settings.STATECRAFT_ACCOUNT_ID


def _prefix(region: str, account: str | None) -> str:
    return f"arn:aws:states:{region}:{account or account_id()}"


def state_machine_arn(region: str, name: str, account: str | None = None) -> str:
    return f"{_prefix(region, account)}:stateMachine:{name}"


def state_machine_version_arn(region: str, name: str, number: int, account: str | None = None) -> str:
    return f"{_prefix(region, account)}:stateMachine:{name}:{number}"


def state_machine_alias_arn(region: str, name: str, alias: str, account: str | None = None) -> str:
    return f"{_prefix(region, account)}:stateMachine:{name}:{alias}"


def execution_arn(region: str, machine: str, name: str, account: str | None = None) -> str:
    return f"{_prefix(region, account)}:execution:{machine}:{name}"


def express_execution_arn(region: str, machine: str, name: str, uuid: str, account: str | None = None) -> str:
    return f"{_prefix(region, account)}:express:{machine}:{name}:{uuid}"


def activity_arn(region: str, name: str, account: str | None = None) -> str:
    return f"{_prefix(region, account)}:activity:{name}"


@dataclass(frozen=True)
class Arn:
    """A parsed Step Functions ARN. `qualifier` is a version number or alias name, when present."""

    arn: str
    region: str
    account: str
    resource_type: str  # stateMachine, execution, express, activity, mapRun
    name: str  # the machine name (for executions: the machine's), or the activity name
    qualifier: str | None = None  # version number or alias (stateMachine)
    execution_name: str | None = None  # execution / express

    @property
    def version_number(self) -> int | None:
        if self.qualifier is not None and self.qualifier.isdigit():
            return int(self.qualifier)
        return None

    @property
    def alias_name(self) -> str | None:
        if self.qualifier is not None and not self.qualifier.isdigit():
            return self.qualifier
        return None


def parse(arn: str, *, allowed: tuple[str, ...] | None = None) -> Arn:
    """Split a Step Functions ARN, raising InvalidArn with AWS's wording when it is not one."""
    if not isinstance(arn, str):
        raise InvalidArn(f"Invalid Arn: 'Invalid ARN prefix: {arn}'")
    parts = arn.split(":")
    if len(parts) < 7 or parts[0] != "arn" or not parts[1].startswith("aws") or parts[2] != "states":
        raise InvalidArn(f"Invalid Arn: 'Invalid ARN prefix: {arn}'")
    region, account, resource_type, rest = parts[3], parts[4], parts[5], parts[6:]
    if not region or not account or any(p == "" for p in rest):
        raise InvalidArn(f"Invalid Arn: 'Resource type not valid in this context: {resource_type}'")
    if allowed is not None and resource_type not in allowed:
        raise InvalidArn(f"Invalid Arn: 'Resource type not valid in this context: {resource_type}'")
    shapes = {"stateMachine": (1, 2), "activity": (1, 1), "execution": (2, 2), "express": (3, 3), "mapRun": (2, 3)}
    if resource_type not in shapes:
        raise InvalidArn(f"Invalid Arn: 'Resource type not valid in this context: {resource_type}'")
    low, high = shapes[resource_type]
    if not low <= len(rest) <= high:
        raise InvalidArn(f"Invalid Arn: 'Invalid ARN prefix: {arn}'")
    if resource_type == "stateMachine":
        return Arn(arn, region, account, resource_type, rest[0], qualifier=rest[1] if len(rest) > 1 else None)
    if resource_type == "activity":
        return Arn(arn, region, account, resource_type, rest[0])
    if resource_type == "mapRun" and len(rest) == 2:
        # AWS: mapRun:<machine>/<Map Label or generated id>:<map run id>
        machine, _, label = rest[0].partition("/")
        return Arn(arn, region, account, resource_type, machine, execution_name=label)
    return Arn(arn, region, account, resource_type, rest[0], execution_name=rest[1])
