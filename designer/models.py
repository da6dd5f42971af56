"""Persistence for state machines, executions, history, activities, task tokens and access keys.

Models hold fields, constraints and small properties; writes live in `designer.services`, reads
in `designer.selectors`. Field values that mirror the Step Functions API keep AWS's spellings
(`STANDARD`, `RUNNING`, `TaskStateEntered`), see
https://docs.aws.amazon.com/step-functions/latest/apireference/API_Operations.html
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from designer import secret_box
from designer.accounts import account_id_for


class MachineType(models.TextChoices):
    STANDARD = "STANDARD"
    EXPRESS = "EXPRESS"


class ExecutionStatus(models.TextChoices):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    ABORTED = "ABORTED"
    PENDING_REDRIVE = "PENDING_REDRIVE"


def default_logging_configuration() -> dict:
    return {"level": "OFF", "includeExecutionData": False}


def default_tracing_configuration() -> dict:
    return {"enabled": False}


def default_encryption_configuration() -> dict:
    return {"type": "AWS_OWNED_KEY"}


class StateMachine(models.Model):
    """A named workflow; `definition` is the latest revision's text, stored exactly as given."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="state_machines")
    region = models.CharField(max_length=32)
    name = models.CharField(max_length=80)
    type = models.CharField(max_length=8, choices=MachineType.choices, default=MachineType.STANDARD)
    definition = models.TextField()
    role_arn = models.CharField(max_length=256, blank=True, default="")
    logging_configuration = models.JSONField(default=default_logging_configuration)
    tracing_configuration = models.JSONField(default=default_tracing_configuration)
    encryption_configuration = models.JSONField(default=default_encryption_configuration)
    description = models.CharField(max_length=256, blank=True, default="")
    status = models.CharField(max_length=16, default="ACTIVE")
    # AWS: revisionId is absent until the first UpdateStateMachine, then a fresh UUID per update.
    revision_id = models.CharField(max_length=64, blank=True, default="")
    revision = models.PositiveIntegerField(default=1)
    # AWS never reuses a version number, even after the version is deleted.
    next_version_number = models.PositiveIntegerField(default=1)
    tags = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["owner", "region", "name"], name="statemachine_unique_name"),)
        indexes = (models.Index(fields=["owner", "region", "created"], name="statemachine_list"),)
        ordering = ("created", "id")

    def __str__(self) -> str:
        return self.name

    @property
    def arn(self) -> str:
        from designer import arns

        return arns.state_machine_arn(self.region, self.name, account_id_for(self.owner_id))


class StateMachineRevision(models.Model):
    """One saved definition of a machine (every create/update), with the designer's layout sidecar."""

    machine = models.ForeignKey(StateMachine, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    revision_id = models.CharField(max_length=64, blank=True, default="")
    definition = models.TextField()
    role_arn = models.CharField(max_length=256, blank=True, default="")
    layout = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=512, blank=True, default="")
    # A draft was saved from the studio but is not what executions run: it did not validate, or
    # it was restored from a version and not deployed yet. The machine's `definition` and
    # `revision` stay those of the last deployed revision.
    draft = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["machine", "number"], name="revision_unique_number"),)
        ordering = ("number",)


class StateMachineVersion(models.Model):
    """An immutable published snapshot of one revision (`…:stateMachine:<name>:<number>`)."""

    machine = models.ForeignKey(StateMachine, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    revision = models.ForeignKey(StateMachineRevision, on_delete=models.PROTECT, related_name="versions")
    description = models.CharField(max_length=256, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["machine", "number"], name="version_unique_number"),)
        ordering = ("-number",)

    @property
    def arn(self) -> str:
        from designer import arns

        machine = self.machine
        return arns.state_machine_version_arn(machine.region, machine.name, self.number,
                                              account_id_for(machine.owner_id))


class StateMachineAlias(models.Model):
    """A named pointer to one or two versions with weights (`…:stateMachine:<name>:<alias>`).

    `routing_configuration` is `[{"version": <number>, "weight": <0..100>}]`.
    """

    machine = models.ForeignKey(StateMachine, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=256, blank=True, default="")
    routing_configuration = models.JSONField(default=list)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["machine", "name"], name="alias_unique_name"),)
        ordering = ("created", "id")

    @property
    def arn(self) -> str:
        from designer import arns

        machine = self.machine
        return arns.state_machine_alias_arn(machine.region, machine.name, self.name, account_id_for(machine.owner_id))


class Execution(models.Model):
    """One run of a machine; the row is the authority the runtime leases, checkpoints and finishes."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="executions")
    state_machine = models.ForeignKey(StateMachine, on_delete=models.CASCADE, related_name="executions")
    version = models.ForeignKey(StateMachineVersion, null=True, blank=True, on_delete=models.SET_NULL)
    alias = models.ForeignKey(StateMachineAlias, null=True, blank=True, on_delete=models.SET_NULL)
    state_machine_version_arn = models.CharField(max_length=2048, blank=True, default="")
    state_machine_alias_arn = models.CharField(max_length=2048, blank=True, default="")
    name = models.CharField(max_length=80)
    arn = models.CharField(max_length=2048, db_index=True)
    type = models.CharField(max_length=8, choices=MachineType.choices, default=MachineType.STANDARD)
    status = models.CharField(max_length=16, choices=ExecutionStatus.choices, default=ExecutionStatus.RUNNING)
    input = models.TextField(default="{}")
    output = models.TextField(null=True, blank=True)
    error = models.TextField(null=True, blank=True)
    cause = models.TextField(null=True, blank=True)
    start_date = models.DateTimeField()
    stop_date = models.DateTimeField(null=True, blank=True)
    # What this execution runs, frozen at start: later updates to the machine never change it.
    definition = models.TextField()
    role_arn = models.CharField(max_length=256, blank=True, default="")
    revision = models.ForeignKey(StateMachineRevision, null=True, blank=True, on_delete=models.SET_NULL)
    # The engine's JSON-serialisable checkpoint, saved with each step's events in one transaction.
    checkpoint = models.JSONField(null=True, blank=True)
    redrive_count = models.PositiveIntegerField(default=0)
    redrive_date = models.DateTimeField(null=True, blank=True)
    # Runtime leases: a worker claims RUNNING rows whose lease is empty or expired, atomically.
    lease_owner = models.CharField(max_length=128, blank=True, default="")
    lease_expires = models.DateTimeField(null=True, blank=True)
    trace_header = models.CharField(max_length=256, blank=True, default="")
    updated = models.DateTimeField(auto_now=True)
    # A Distributed Map's child execution: the Map Run it belongs to and the execution that ran
    # the Map ("" and None for every other execution).
    map_run_arn = models.CharField(max_length=2048, blank=True, default="", db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")

    class Meta:
        constraints = (
            # AWS: Standard execution names are unique per machine; Express names need not be.
            models.UniqueConstraint(
                fields=["state_machine", "name"], condition=Q(type="STANDARD"), name="execution_unique_name"
            ),
        )
        indexes = (
            models.Index(fields=["state_machine", "status", "start_date"], name="execution_list"),
            models.Index(fields=["owner", "start_date"], name="execution_owner_list"),
            models.Index(fields=["status", "lease_expires"], name="execution_claim"),
        )
        ordering = ("-start_date", "-id")

    def __str__(self) -> str:
        return self.arn


class HistoryEvent(models.Model):
    """One AWS-shaped history event; append-only, `event_id` 1..n per execution."""

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="events")
    event_id = models.PositiveIntegerField()
    previous_event_id = models.PositiveIntegerField(default=0)
    timestamp = models.DateTimeField()
    type = models.CharField(max_length=64)
    # The `*EventDetails` body keyed by its AWS member name, e.g.
    # {"stateEnteredEventDetails": {"name": "Charge", "input": "{}"}}.
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["execution", "event_id"], name="historyevent_unique_id"),)
        ordering = ("execution", "event_id")


class Activity(models.Model):
    """A task that external workers poll for with GetActivityTask."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities")
    region = models.CharField(max_length=32)
    name = models.CharField(max_length=80)
    tags = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["owner", "region", "name"], name="activity_unique_name"),)
        ordering = ("created", "id")

    @property
    def arn(self) -> str:
        from designer import arns

        return arns.activity_arn(self.region, self.name, account_id_for(self.owner_id))


class ActivityWorker(models.Model):
    """A worker seen calling GetActivityTask; `polls` counts its long polls in progress."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="workers")
    name = models.CharField(max_length=80, blank=True, default="")
    polls = models.IntegerField(default=0)
    last_seen = models.DateTimeField()

    class Meta:
        constraints = (models.UniqueConstraint(fields=["activity", "name"], name="activityworker_unique_name"),)


class TaskTokenStatus(models.TextChoices):
    SCHEDULED = "SCHEDULED"  # waiting for a worker (activities) or for SendTask* (callbacks)
    STARTED = "STARTED"  # handed to an activity worker
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    CANCELLED = "CANCELLED"


class TaskToken(models.Model):
    """A task waiting on the outside world: an activity task or a `.waitForTaskToken` callback."""

    token = models.CharField(max_length=1024, unique=True)
    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="task_tokens")
    state_name = models.CharField(max_length=80)
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    input = models.TextField(default="{}")
    status = models.CharField(max_length=16, choices=TaskTokenStatus.choices, default=TaskTokenStatus.SCHEDULED)
    worker_name = models.CharField(max_length=80, blank=True, default="")
    heartbeat_seconds = models.PositiveIntegerField(null=True, blank=True)
    heartbeat_deadline = models.DateTimeField(null=True, blank=True)
    timeout_deadline = models.DateTimeField(null=True, blank=True)
    output = models.TextField(null=True, blank=True)
    error = models.TextField(null=True, blank=True)
    cause = models.TextField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = (
            models.Index(fields=["activity", "status", "created"], name="tasktoken_poll"),
            models.Index(fields=["status", "heartbeat_deadline"], name="tasktoken_heartbeat"),
        )


class Account(models.Model):
    """The AWS account id in the ARNs of one user's resources (designer.accounts assigns it)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="statecraft_account")
    account_id = models.CharField(max_length=12, unique=True)

    def __str__(self) -> str:
        return self.account_id


class AccessKey(models.Model):
    """A SigV4 access key for the AWS API; requests signed with it act as `user`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_keys")
    access_key_id = models.CharField(max_length=128, unique=True)
    # Encrypted at rest (designer.secret_box): SigV4 verification needs the secret itself, so it
    # is reversible, but a copy of the database alone does not give it away. Read and write it
    # through the `secret` property.
    secret_encrypted = models.TextField()
    enabled = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.CheckConstraint(condition=~Q(access_key_id=""), name="accesskey_id_not_empty"),)

    def __str__(self) -> str:
        return self.access_key_id

    @property
    def secret(self) -> str | None:
        """The plaintext secret (None when it was encrypted under a secret key no longer set)."""
        return secret_box.decrypt(self.secret_encrypted)

    @secret.setter
    def secret(self, plaintext: str) -> None:
        self.secret_encrypted = secret_box.encrypt(plaintext)


class MapRun(models.Model):
    """What UpdateMapRun changed on a Distributed Map run; the run itself is read from history."""

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="map_runs")
    arn = models.CharField(max_length=2048, unique=True)
    max_concurrency = models.PositiveIntegerField(null=True, blank=True)
    tolerated_failure_count = models.PositiveIntegerField(null=True, blank=True)
    tolerated_failure_percentage = models.FloatField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.arn


# The debugger's breakpoints, test cases and per-execution debug state, and the triggers
# (schedules, rules, webhooks and their fires), live in modules of their own.
from designer.debugging.models import ExecutionDebug, MachineBreakpoints, WorkflowTestCase  # noqa: E402, F401
from designer.triggers.models import (  # noqa: E402, F401
    EventBus,
    FireStatus,
    Rule,
    RuleTarget,
    Schedule,
    ScheduleGroup,
    TriggerFire,
    Webhook,
)
