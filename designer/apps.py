"""The Django app configuration for Statecraft's designer."""

from django.apps import AppConfig


class DesignerConfig(AppConfig):
    name = "designer"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Statecraft"

    def ready(self):
        # Servers start the execution runtime at once, so executions cut off by a restart resume.
        from designer import runtime, status_hooks
        from designer.triggers import status_events

        status_hooks.register(status_events.publish_now)  # EventBridge status-change events

        if runtime.is_server_process() and runtime.mode() != "off":
            runtime.start()
        if runtime.is_server_process():
            from designer.triggers import scheduler

            scheduler.start()  # schedules and scheduled rules (designer/triggers/fires.py)
