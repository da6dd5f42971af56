"""The Django app configuration for Statecraft's designer."""

from django.apps import AppConfig


class DesignerConfig(AppConfig):
    name = "designer"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Statecraft"

    def ready(self):
        from django.conf import settings

        from designer import production  # noqa: F401  (registers the production system check)
        from engine import evaluation_budget, strict_json

        strict_json.configure(max_depth=settings.STATECRAFT_MAX_JSON_DEPTH)
        evaluation_budget.configure(**settings.STATECRAFT_EVALUATION_LIMITS)
        # Imported here, not at the top: models must be loaded before the runtime's modules.
        from designer import runtime, status_hooks
        from designer.services.runtime_hooks import register_runtime
        from designer.triggers import status_events

        status_hooks.register(status_events.publish_now)  # EventBridge status-change events

        # The services reach the runtime only through what it registers here (never by import).
        register_runtime(runtime)
        # Servers start the execution runtime at once, so executions cut off by a restart resume.
        if runtime.is_server_process() and runtime.mode() != "off":
            runtime.start()
        if runtime.is_server_process():
            from designer.triggers import scheduler

            scheduler.start()  # schedules and scheduled rules (designer/triggers/fires.py)
