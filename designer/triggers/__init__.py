"""Triggers that start executions without an SDK call: schedules (EventBridge Scheduler), event
rules (EventBridge), status-change events and webhooks.

Pure parts live here with no Django import: `expressions` (at / rate / cron in AWS's dialect)
and `patterns` (EventBridge event patterns). The models' writes are in `designer.trigger_services`,
the wire adapters in `designer.aws_api`.
"""
