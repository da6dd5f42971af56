"""Django admin for the persistence models: read-mostly views for operators."""

from django.contrib import admin

from designer.models import (
    AccessKey,
    Activity,
    Execution,
    HistoryEvent,
    StateMachine,
    StateMachineAlias,
    StateMachineRevision,
    StateMachineVersion,
    TaskToken,
)


class RevisionInline(admin.TabularInline):
    model = StateMachineRevision
    extra = 0
    fields = ("number", "message", "created")
    readonly_fields = fields
    can_delete = False


@admin.register(StateMachine)
class StateMachineAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "region", "type", "revision", "updated")
    list_filter = ("type", "region")
    search_fields = ("name", "owner__username")
    inlines = (RevisionInline,)


@admin.register(StateMachineVersion)
class VersionAdmin(admin.ModelAdmin):
    list_display = ("machine", "number", "description", "created")


@admin.register(StateMachineAlias)
class AliasAdmin(admin.ModelAdmin):
    list_display = ("machine", "name", "routing_configuration", "updated")


class HistoryInline(admin.TabularInline):
    model = HistoryEvent
    extra = 0
    fields = ("event_id", "previous_event_id", "type", "timestamp")
    readonly_fields = fields
    can_delete = False


@admin.register(Execution)
class ExecutionAdmin(admin.ModelAdmin):
    list_display = ("name", "state_machine", "status", "start_date", "stop_date", "lease_owner")
    list_filter = ("status", "type")
    search_fields = ("name", "arn")
    readonly_fields = ("arn", "definition", "checkpoint")
    inlines = (HistoryInline,)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "region", "created")


@admin.register(TaskToken)
class TaskTokenAdmin(admin.ModelAdmin):
    list_display = ("state_name", "execution", "activity", "status", "created")
    list_filter = ("status",)


@admin.register(AccessKey)
class AccessKeyAdmin(admin.ModelAdmin):
    list_display = ("access_key_id", "user", "enabled", "created")
    list_filter = ("enabled",)
    exclude = ("secret",)
