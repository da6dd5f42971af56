"""The scheduler's tick at the service level: catch-up inside the retry window, skips outside it,
one-time schedules deleted after completion, flexible windows, start and end dates, and events
on custom buses."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from designer.models import Execution, Schedule, TriggerFire
from designer.services import executions, machines
from designer.triggers import events, schedules, ticks
from tests.designer.conftest import definition_text

pytestmark = pytest.mark.django_db
ROLE = "arn:aws:iam::000000000000:role/x"


@pytest.fixture
def machine(user):
    machine, _ = machines.state_machine_create(owner=user, region="us-east-1", name="job",
                                               definition=definition_text(), role_arn=ROLE)
    return machine


def create(user, machine, name="s", **fields):
    request = {"ScheduleExpression": "rate(1 hour)", "FlexibleTimeWindow": {"Mode": "OFF"},
               "Target": {"Arn": machine.arn, "RoleArn": ROLE}, **fields}
    return schedules.schedule_create(owner=user, region="us-east-1", name=name, fields=request)


def test_missed_fires_are_made_up_inside_the_window_and_skipped_outside_it(user, machine):
    schedule = create(user, machine, Target={"Arn": machine.arn, "RoleArn": ROLE,
                                             "RetryPolicy": {"MaximumEventAgeInSeconds": 7200}})
    created = schedule.next_fire
    # The server comes back five hours later: fires at +0h, +1h, +2h are more than two hours old.
    ticks.run_due(now=created + timedelta(hours=5))
    rows = list(TriggerFire.objects.order_by("fire_time").values_list("fire_time", "status"))
    assert [status for _, status in rows] == ["SKIPPED", "SKIPPED", "SKIPPED", "STARTED", "STARTED", "STARTED"]
    assert [t - created for t, _ in rows] == [timedelta(hours=h) for h in range(6)]
    assert Execution.objects.count() == 3
    schedule.refresh_from_db()
    assert schedule.next_fire == created + timedelta(hours=6)


def test_a_long_outage_is_recorded_as_one_skip_for_the_backlog(user, machine):
    create(user, machine, ScheduleExpression="rate(1 minute)",
           Target={"Arn": machine.arn, "RoleArn": ROLE, "RetryPolicy": {"MaximumEventAgeInSeconds": 60}})
    ticks.run_due(now=datetime.now(UTC) + timedelta(days=3))
    statuses = list(TriggerFire.objects.values_list("status", flat=True))
    assert statuses.count("SKIPPED") <= ticks.MAX_CATCH_UP + 1 and Execution.objects.count() <= 2


def test_a_one_time_schedule_fires_once_and_deletes_itself_when_asked(user, machine):
    at = (datetime.now(UTC) + timedelta(minutes=10)).replace(microsecond=0)
    create(user, machine, ScheduleExpression=f"at({at:%Y-%m-%dT%H:%M:%S})", ActionAfterCompletion="DELETE")
    assert ticks.run_due(now=at - timedelta(seconds=1)) == 0
    assert ticks.run_due(now=at + timedelta(seconds=1)) == 1
    assert not Schedule.objects.exists() and Execution.objects.count() == 1
    fire = TriggerFire.objects.get()
    assert (fire.status, fire.trigger_name, fire.fire_time) == ("STARTED", "s", at)


def test_at_in_a_time_zone_and_start_and_end_dates(user, machine):
    paris = create(user, machine, name="paris", ScheduleExpression="at(2099-07-01T09:00:00)",
                   ScheduleExpressionTimezone="Europe/Paris")
    assert paris.next_fire == datetime(2099, 7, 1, 7, tzinfo=UTC)
    start = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    bounded = create(user, machine, name="bounded", StartDate=start, EndDate=start + timedelta(hours=2, minutes=30))
    assert bounded.next_fire == start  # rate counts from StartDate
    ticks.run_due(now=start + timedelta(hours=3))
    bounded.refresh_from_db()
    assert bounded.next_fire is None and TriggerFire.objects.filter(schedule=bounded).count() == 3


def test_a_flexible_window_invokes_within_it_but_claims_the_nominal_time(user, machine):
    schedule = create(user, machine, FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15})
    assert schedule.next_fire <= schedule.due_at <= schedule.next_fire + timedelta(minutes=15)
    ticks.run_due(now=schedule.due_at)
    assert TriggerFire.objects.get().fire_time == schedule.next_fire


def test_a_disabled_schedule_does_not_fire(user, machine):
    schedule = create(user, machine, State="DISABLED")
    assert schedule.next_fire is None
    assert ticks.run_due(now=datetime.now(UTC) + timedelta(hours=2)) == 0


def test_events_on_a_custom_bus_reach_only_that_bus_rules(user, machine):
    events.bus_create(owner=user, region="us-east-1", name="orders")
    for bus in ("orders", "default"):
        events.rule_put(owner=user, region="us-east-1", name=f"on-{bus}", bus=bus,
                        event_pattern='{"source": ["shop"]}')
        rule = events.rule_get(owner=user, region="us-east-1", name=f"on-{bus}", bus=bus)
        events.targets_put(rule=rule, targets=[{"Id": "t", "Arn": machine.arn,
                                                "Input": json.dumps({"bus": bus})}])
    answer = events.put_events(owner=user, region="us-east-1", account="000000000000", entries=[
        {"Source": "shop", "DetailType": "x", "Detail": "{}", "EventBusName": "orders"},
        {"Source": "shop", "DetailType": "x", "Detail": "{}", "EventBusName": "nope"},
        {"Source": "aws.states", "DetailType": "x", "Detail": "{}"},
    ])
    assert answer["FailedEntryCount"] == 2
    assert [json.loads(e.input) for e in Execution.objects.all()] == [{"bus": "orders"}]


def test_start_and_stop_publish_status_change_events_in_aws_shape(user, machine, django_capture_on_commit_callbacks):
    watcher, _ = machines.state_machine_create(owner=user, region="us-east-1", name="watcher",
                                               definition=definition_text(), role_arn=ROLE)
    events.rule_put(owner=user, region="us-east-1", name="watch", event_pattern=json.dumps(
        {"source": ["aws.states"], "detail": {"stateMachineArn": [machine.arn]}}))
    rule = events.rule_get(owner=user, region="us-east-1", name="watch")
    events.targets_put(rule=rule, targets=[{"Id": "w", "Arn": watcher.arn}])
    with django_capture_on_commit_callbacks(execute=True):
        execution, _ = executions.execution_start(state_machine=machine, input='{"a": 1}', name="run-1")
    with django_capture_on_commit_callbacks(execute=True):
        executions.execution_stop(execution=execution, error="Stop", cause="by hand")
    seen = [json.loads(e.input) for e in Execution.objects.filter(state_machine=watcher).order_by("start_date", "id")]
    assert [(e["detail-type"], e["source"], e["detail"]["status"]) for e in seen] == [
        ("Step Functions Execution Status Change", "aws.states", "RUNNING"),
        ("Step Functions Execution Status Change", "aws.states", "ABORTED")]
    detail = seen[1]["detail"]
    assert detail["executionArn"] == execution.arn and seen[1]["resources"] == [execution.arn]
    assert (detail["name"], detail["input"]) == ("run-1", '{"a": 1}')
    assert (detail["error"], detail["cause"]) == ("Stop", "by hand")
    assert isinstance(detail["startDate"], int) and isinstance(detail["stopDate"], int)
