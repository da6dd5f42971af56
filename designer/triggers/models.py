"""Trigger persistence: schedule groups and schedules (EventBridge Scheduler), event buses, rules
and their targets (EventBridge), webhooks, and `TriggerFire`, one row per fire, matched event or
webhook call with what came of it.

`TriggerFire` is also the exactly-once claim: a scheduled fire inserts its (schedule, fire_time)
or (rule, fire_time) row in the same transaction that starts the execution, and a unique
constraint lets only one runtime (or one life of the server) win it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ScheduleGroup(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    region = models.CharField(max_length=32)
    name = models.CharField(max_length=64)
    tags = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "designer"
        constraints = (models.UniqueConstraint(fields=["owner", "region", "name"], name="schedulegroup_unique"),)
        ordering = ("created", "id")


class Schedule(models.Model):
    """One EventBridge Scheduler schedule; `target` is the API's Target object as given."""

    group = models.ForeignKey(ScheduleGroup, on_delete=models.CASCADE, related_name="schedules")
    name = models.CharField(max_length=64)
    description = models.CharField(max_length=512, blank=True, default="")
    expression = models.CharField(max_length=256)
    timezone = models.CharField(max_length=64, blank=True, default="")
    start_date = models.DateTimeField(null=True, blank=True)
    end_date = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=8, default="ENABLED")
    flexible_window = models.JSONField(default=dict)
    target = models.JSONField(default=dict)
    target_arn = models.CharField(max_length=2048, blank=True, default="", db_index=True)
    action_after_completion = models.CharField(max_length=8, default="NONE")
    kms_key_arn = models.CharField(max_length=2048, blank=True, default="")
    # rate() counts from here (StartDate, else the creation or last update time).
    anchor = models.DateTimeField()
    # The next fire's nominal time and when to invoke it (later within a flexible window).
    next_fire = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "designer"
        constraints = (models.UniqueConstraint(fields=["group", "name"], name="schedule_unique_name"),)
        ordering = ("created", "id")


class EventBus(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    region = models.CharField(max_length=32)
    name = models.CharField(max_length=256)
    description = models.CharField(max_length=512, blank=True, default="")
    tags = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "designer"
        constraints = (models.UniqueConstraint(fields=["owner", "region", "name"], name="eventbus_unique"),)
        ordering = ("created", "id")


class Rule(models.Model):
    bus = models.ForeignKey(EventBus, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(max_length=64)
    description = models.CharField(max_length=512, blank=True, default="")
    event_pattern = models.TextField(blank=True, default="")
    schedule_expression = models.CharField(max_length=256, blank=True, default="")
    state = models.CharField(max_length=48, default="ENABLED")
    role_arn = models.CharField(max_length=1600, blank=True, default="")
    tags = models.JSONField(default=dict, blank=True)
    anchor = models.DateTimeField()
    next_fire = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "designer"
        constraints = (models.UniqueConstraint(fields=["bus", "name"], name="rule_unique_name"),)
        ordering = ("created", "id")


class RuleTarget(models.Model):
    """One PutTargets entry; `spec` is the API's Target object as given."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="targets")
    target_id = models.CharField(max_length=64)
    arn = models.CharField(max_length=1600, db_index=True)
    spec = models.JSONField(default=dict)

    class Meta:
        app_label = "designer"
        constraints = (models.UniqueConstraint(fields=["rule", "target_id"], name="ruletarget_unique_id"),)
        ordering = ("id",)


class Webhook(models.Model):
    machine = models.ForeignKey("designer.StateMachine", on_delete=models.CASCADE, related_name="webhooks")
    alias = models.ForeignKey("designer.StateMachineAlias", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="webhooks")
    name = models.CharField(max_length=80)
    token = models.CharField(max_length=64, unique=True)
    enabled = models.BooleanField(default=True)
    # Optional HMAC-SHA256 check: the header carrying the signature and the shared secret.
    signature_header = models.CharField(max_length=128, blank=True, default="")
    signature_secret = models.CharField(max_length=256, blank=True, default="")
    rate_limit_per_minute = models.PositiveIntegerField(default=60)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "designer"
        constraints = (models.UniqueConstraint(fields=["machine", "name"], name="webhook_unique_name"),)
        ordering = ("created", "id")


class FireStatus(models.TextChoices):
    STARTED = "STARTED"  # an execution was started (execution_arn)
    RETRYING = "RETRYING"  # StartExecution failed; retried under the RetryPolicy
    FAILED = "FAILED"  # not started; `reason` says why
    SKIPPED = "SKIPPED"  # missed while the server was down, older than the retry window
    REJECTED = "REJECTED"  # a webhook call refused (bad signature, rate limit, …)


class TriggerFire(models.Model):
    """One fire of a schedule or scheduled rule, one matched event, or one webhook call."""

    kind = models.CharField(max_length=16)  # schedule | rule | webhook
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    schedule = models.ForeignKey(Schedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="fires")
    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.SET_NULL, related_name="fires")
    webhook = models.ForeignKey(Webhook, null=True, blank=True, on_delete=models.SET_NULL, related_name="fires")
    trigger_name = models.CharField(max_length=256)
    target_arn = models.CharField(max_length=2048, blank=True, default="", db_index=True)
    fire_time = models.DateTimeField(null=True, blank=True)
    event_id = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(max_length=16, choices=FireStatus.choices)
    execution_arn = models.CharField(max_length=2048, blank=True, default="")
    reason = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    payload = models.TextField(blank=True, default="")  # the input to retry with
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "designer"
        constraints = (
            models.UniqueConstraint(fields=["schedule", "fire_time"], condition=Q(schedule__isnull=False,
                                    fire_time__isnull=False), name="triggerfire_schedule_once"),
            models.UniqueConstraint(fields=["rule", "fire_time"], condition=Q(rule__isnull=False,
                                    fire_time__isnull=False), name="triggerfire_rule_once"),
        )
        indexes = (models.Index(fields=["status", "retry_at"], name="triggerfire_retry"),)
        ordering = ("-created", "-id")
