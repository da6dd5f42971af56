"""Django admin for the persistence models: read-mostly views for operators."""

from django import forms
from django.contrib import admin, messages

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
from designer.services import access_keys


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


class AccessKeyAddForm(forms.ModelForm):
    """Adding a key asks only whose it is: the id and secret are generated, as the studio does."""

    class Meta:
        model = AccessKey
        fields = ("user", "enabled")


@admin.register(AccessKey)
class AccessKeyAdmin(admin.ModelAdmin):
    list_display = ("access_key_id", "user", "enabled", "created")
    list_filter = ("enabled",)
    exclude = ("secret_encrypted",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AccessKeyAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ("access_key_id", "created") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # A key made here must be usable: generate it through the service and show its secret
        # once (SigV4 needs the secret itself, and it is never displayed again).
        key = access_keys.access_key_create(user=obj.user)
        if not obj.enabled:
            key.enabled = False
            key.save(update_fields=["enabled"])
        obj.pk, obj.access_key_id, obj.created = key.pk, key.access_key_id, key.created
        self.message_user(
            request,
            f"Access key {key.access_key_id} created. Its secret, shown only this once: {key.secret}",
            level=messages.WARNING,
        )
