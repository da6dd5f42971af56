"""The AWS API's state machine, version, alias and tag operations."""

from __future__ import annotations

from designer import checks, errors, selectors
from designer.aws_api.errors import AwsError
from designer.aws_api.registry import Context, operation, paged
from designer.presenters import aws as aws_presenters
from designer.services import machines, tags


@operation
def create_state_machine(ctx: Context, p: dict) -> dict:
    machine, version = machines.state_machine_create(
        owner=ctx.user,
        region=ctx.region,
        name=p["name"],
        definition=p["definition"],
        role_arn=p["roleArn"],
        type=p.get("type") or "STANDARD",
        logging_configuration=p.get("loggingConfiguration"),
        tracing_configuration=p.get("tracingConfiguration"),
        tags=p.get("tags"),
        publish=bool(p.get("publish")),
        version_description=p.get("versionDescription"),
    )
    body = {"stateMachineArn": machine.arn, "creationDate": machine.created}
    if version is not None:
        body["stateMachineVersionArn"] = version.arn
    return body


@operation
def describe_state_machine(ctx: Context, p: dict) -> dict:
    arn = p["stateMachineArn"]
    parsed = selectors.parse_arn(arn, "stateMachine")
    if parsed.version_number is not None:
        target = selectors.target_get(owner=ctx.user, arn=arn)
        return aws_presenters.state_machine_version(target.version)
    if parsed.alias_name is not None:
        raise AwsError("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: stateMachine alias'")
    return aws_presenters.state_machine(selectors.state_machine_get(owner=ctx.user, arn=arn))


@operation
def update_state_machine(ctx: Context, p: dict) -> dict:
    arn = p["stateMachineArn"]
    if selectors.parse_arn(arn, "stateMachine").qualifier is not None:
        # AWS (recorded): a version or alias ARN names no updatable state machine.
        raise errors.StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
    machine = selectors.state_machine_get(owner=ctx.user, arn=arn)
    machine, version = machines.state_machine_update(
        machine=machine,
        definition=p.get("definition"),
        role_arn=p.get("roleArn"),
        logging_configuration=p.get("loggingConfiguration"),
        tracing_configuration=p.get("tracingConfiguration"),
        publish=bool(p.get("publish")),
        version_description=p.get("versionDescription"),
    )
    body: dict = {"updateDate": machine.updated}
    if machine.revision_id:
        body["revisionId"] = machine.revision_id
    if version is not None:
        body["stateMachineVersionArn"] = version.arn
    return body


@operation
def delete_state_machine(ctx: Context, p: dict) -> dict:
    arn = p["stateMachineArn"]
    parsed = selectors.parse_arn(arn, "stateMachine")
    if parsed.qualifier is not None:
        raise AwsError(
            "ValidationException", f"Invalid ARN: '{arn}'. Use DeleteStateMachineVersion or DeleteStateMachineAlias."
        )
    try:
        machine = selectors.state_machine_get(owner=ctx.user, arn=arn)
    except errors.StateMachineDoesNotExist:
        return {}  # AWS: deleting a machine that does not exist succeeds
    machines.state_machine_delete(machine=machine)
    return {}


@operation
def list_state_machines(ctx: Context, p: dict) -> dict:
    # AWS: machines are listed by name, compared as strings ("m-10" before "m-2"), whatever
    # the database's collation would say.
    rows = sorted(selectors.state_machine_list(owner=ctx.user, region=ctx.region), key=lambda m: m.name)
    return paged(
        p,
        rows,
        "sm",
        "stateMachines",
        lambda m: {"stateMachineArn": m.arn, "name": m.name, "type": m.type, "creationDate": m.created},
    )


@operation
def validate_state_machine_definition(ctx: Context, p: dict) -> dict:
    diagnostics = checks.definition_diagnostics(p["definition"], p.get("type"))
    if p.get("severity") == "ERROR":
        diagnostics = [d for d in diagnostics if d.severity == "ERROR"]
    limit = p.get("maxResults") or 100
    shown = [
        {"severity": d.severity, "code": d.code, "message": d.message, **({"location": d.path} if d.path else {})}
        for d in diagnostics[:limit]
    ]
    failed = any(d.severity == "ERROR" for d in diagnostics)
    return {"result": "FAIL" if failed else "OK", "diagnostics": shown, "truncated": len(diagnostics) > limit}


# ─── versions and aliases ────────────────────────────────────────────────────────────────────


@operation
def publish_state_machine_version(ctx: Context, p: dict) -> dict:
    machine = selectors.state_machine_get(owner=ctx.user, arn=p["stateMachineArn"])
    version = machines.state_machine_version_publish(
        machine=machine, description=p.get("description") or "", revision_id=p.get("revisionId")
    )
    return {"creationDate": version.created, "stateMachineVersionArn": version.arn}


@operation
def list_state_machine_versions(ctx: Context, p: dict) -> dict:
    machine = selectors.state_machine_get(owner=ctx.user, arn=p["stateMachineArn"])
    return paged(
        p,
        machine.versions.order_by("-number"),
        "v",
        "stateMachineVersions",
        lambda v: {"stateMachineVersionArn": v.arn, "creationDate": v.created},
    )


@operation
def delete_state_machine_version(ctx: Context, p: dict) -> dict:
    arn = p["stateMachineVersionArn"]
    try:
        version = selectors.version_get(owner=ctx.user, arn=arn)
    except errors.ResourceNotFound:
        return {}  # AWS: deleting a version that does not exist succeeds
    machines.state_machine_version_delete(version=version)
    return {}


def _machine_of_routes(ctx: Context, routing: list[dict]):
    machines.check_routing(routing)
    arn = routing[0]["stateMachineVersionArn"]
    try:
        return selectors.state_machine_get(owner=ctx.user, arn=arn.rsplit(":", 1)[0])
    except errors.StateMachineDoesNotExist:
        raise errors.ResourceNotFound(f"Resource not found: '{arn}'") from None


@operation
def create_state_machine_alias(ctx: Context, p: dict) -> dict:
    machine = _machine_of_routes(ctx, p["routingConfiguration"])
    alias = machines.alias_create(
        machine=machine,
        name=p["name"],
        routing_configuration=p["routingConfiguration"],
        description=p.get("description") or "",
    )
    return {"stateMachineAliasArn": alias.arn, "creationDate": alias.created}


@operation
def describe_state_machine_alias(ctx: Context, p: dict) -> dict:
    return aws_presenters.alias(selectors.alias_get(owner=ctx.user, arn=p["stateMachineAliasArn"]))


@operation
def update_state_machine_alias(ctx: Context, p: dict) -> dict:
    alias = selectors.alias_get(owner=ctx.user, arn=p["stateMachineAliasArn"])
    alias = machines.alias_update(
        alias=alias, description=p.get("description"), routing_configuration=p.get("routingConfiguration")
    )
    return {"updateDate": alias.updated}


@operation
def delete_state_machine_alias(ctx: Context, p: dict) -> dict:
    try:
        alias = selectors.alias_get(owner=ctx.user, arn=p["stateMachineAliasArn"])
    except errors.ResourceNotFound:
        return {}
    machines.alias_delete(alias=alias)
    return {}


@operation
def list_state_machine_aliases(ctx: Context, p: dict) -> dict:
    machine = selectors.state_machine_get(owner=ctx.user, arn=p["stateMachineArn"])
    return paged(
        p,
        machine.aliases.order_by("created", "id"),
        "a",
        "stateMachineAliases",
        lambda a: {"stateMachineAliasArn": a.arn, "creationDate": a.created},
    )


# ─── tags ────────────────────────────────────────────────────────────────────────────────────


@operation
def tag_resource(ctx: Context, p: dict) -> dict:
    tags.tags_add(resource=selectors.taggable_get(owner=ctx.user, arn=p["resourceArn"]), tags=p["tags"])
    return {}


@operation
def untag_resource(ctx: Context, p: dict) -> dict:
    tags.tags_remove(resource=selectors.taggable_get(owner=ctx.user, arn=p["resourceArn"]), keys=p["tagKeys"])
    return {}


@operation
def list_tags_for_resource(ctx: Context, p: dict) -> dict:
    return {"tags": aws_presenters.tags(selectors.taggable_get(owner=ctx.user, arn=p["resourceArn"]))}
