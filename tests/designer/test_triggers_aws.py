"""boto3's `scheduler` and `events` clients against the live server: only endpoint_url changes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.config import Config

from designer.models import Execution, TriggerFire
from designer.triggers import ticks
from tests.designer.conftest import ACCESS_KEY_ID, SECRET, definition_text

pytestmark = pytest.mark.django_db(transaction=True)


def client(service: str, url: str):
    return boto3.client(service, endpoint_url=url, region_name="us-east-1", aws_access_key_id=ACCESS_KEY_ID,
                        aws_secret_access_key=SECRET, config=Config(retries={"max_attempts": 1}))


@pytest.fixture
def scheduler(live_server, access_key):
    return client("scheduler", live_server.url)


@pytest.fixture
def events(live_server, access_key):
    return client("events", live_server.url)


@pytest.fixture
def machine_arn(sfn, role_arn):
    return sfn.create_state_machine(name="nightly", definition=definition_text(), roleArn=role_arn)["stateMachineArn"]


def test_schedule_lifecycle_through_boto3(scheduler, machine_arn, role_arn):
    arn = scheduler.create_schedule(
        Name="every-morning", ScheduleExpression="cron(0 7 ? * MON-FRI *)",
        ScheduleExpressionTimezone="Europe/Paris", FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": machine_arn, "RoleArn": role_arn, "Input": '{"report": "daily"}',
                "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 600}},
        Description="weekday report",
    )["ScheduleArn"]
    assert arn == "arn:aws:scheduler:us-east-1:000000000000:schedule/default/every-morning"
    got = scheduler.get_schedule(Name="every-morning")
    assert got["ScheduleExpressionTimezone"] == "Europe/Paris"
    assert got["Target"]["Input"] == '{"report": "daily"}'
    assert got["State"] == "ENABLED" and got["GroupName"] == "default"
    assert isinstance(got["CreationDate"], datetime)

    with pytest.raises(scheduler.exceptions.ConflictException):
        scheduler.create_schedule(Name="every-morning", ScheduleExpression="rate(5 minutes)",
                                  FlexibleTimeWindow={"Mode": "OFF"}, Target={"Arn": machine_arn, "RoleArn": role_arn})
    scheduler.update_schedule(Name="every-morning", ScheduleExpression="rate(1 hour)", State="DISABLED",
                              FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5},
                              Target={"Arn": machine_arn, "RoleArn": role_arn})
    got = scheduler.get_schedule(Name="every-morning")
    assert (got["ScheduleExpression"], got["State"], got["FlexibleTimeWindow"]["MaximumWindowInMinutes"]) == (
        "rate(1 hour)", "DISABLED", 5)
    assert "Description" not in got  # UpdateSchedule replaces every member

    scheduler.create_schedule_group(Name="reports")
    scheduler.create_schedule(Name="once", GroupName="reports", ScheduleExpression="at(2099-01-01T00:00:00)",
                              FlexibleTimeWindow={"Mode": "OFF"}, ActionAfterCompletion="DELETE",
                              Target={"Arn": machine_arn, "RoleArn": role_arn})
    names = {(s["GroupName"], s["Name"]) for s in scheduler.list_schedules()["Schedules"]}
    assert names == {("default", "every-morning"), ("reports", "once")}
    assert [s["Name"] for s in scheduler.list_schedules(GroupName="reports")["Schedules"]] == ["once"]
    assert [s["Name"] for s in scheduler.list_schedules(State="DISABLED")["Schedules"]] == ["every-morning"]
    assert {g["Name"] for g in scheduler.list_schedule_groups()["ScheduleGroups"]} == {"default", "reports"}

    scheduler.delete_schedule_group(Name="reports")  # AWS: deleting a group deletes its schedules
    with pytest.raises(scheduler.exceptions.ResourceNotFoundException):
        scheduler.get_schedule(Name="once", GroupName="reports")
    scheduler.delete_schedule(Name="every-morning")
    with pytest.raises(scheduler.exceptions.ResourceNotFoundException) as info:
        scheduler.delete_schedule(Name="every-morning")
    assert info.value.response["Error"]["Message"] == "Schedule every-morning does not exist."


@pytest.mark.parametrize("changes, words", [
    ({"ScheduleExpression": "cron(0 7 * * * *)"}, "Invalid Schedule Expression"),
    ({"ScheduleExpression": "rate(1 minutes)"}, "Invalid Schedule Expression"),
    ({"ScheduleExpressionTimezone": "Europe/Atlantis"}, "ScheduleExpressionTimezone"),
    ({"FlexibleTimeWindow": {"Mode": "FLEXIBLE"}}, "MaximumWindowInMinutes"),
    ({"GroupName": "nope"}, "Schedule group nope does not exist."),
])
def test_schedule_errors_are_aws_validation_errors(scheduler, machine_arn, role_arn, changes, words):
    request = {"Name": "bad", "ScheduleExpression": "rate(5 minutes)", "FlexibleTimeWindow": {"Mode": "OFF"},
               "Target": {"Arn": machine_arn, "RoleArn": role_arn}, **changes}
    with pytest.raises(scheduler.exceptions.ClientError) as info:
        scheduler.create_schedule(**request)
    assert words in info.value.response["Error"]["Message"]
    assert info.value.response["Error"]["Code"] in ("ValidationException", "ResourceNotFoundException")


def test_a_due_schedule_starts_its_machine_once_with_context_attributes(scheduler, machine_arn, role_arn):
    scheduler.create_schedule(
        Name="tick", ScheduleExpression="rate(5 minutes)", FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": machine_arn, "RoleArn": role_arn,
                "Input": '{"at": "<aws.scheduler.scheduled-time>", "by": "<aws.scheduler.schedule-arn>"}'})
    later = datetime.now(UTC) + timedelta(minutes=6)
    assert ticks.run_due(now=later) == 2  # the creation-time fire and the one five minutes later
    assert ticks.run_due(now=later) == 0  # never twice for the same time
    started = list(Execution.objects.order_by("start_date"))
    assert len(started) == 2
    assert json.loads(started[0].input)["by"].endswith(":schedule/default/tick")
    fire_rows = TriggerFire.objects.filter(kind="schedule").order_by("fire_time")
    assert [f.status for f in fire_rows] == ["STARTED", "STARTED"]
    assert {f.execution_arn for f in fire_rows} == {e.arn for e in started}


def test_a_failing_start_is_retried_then_failed_with_the_reason(scheduler, role_arn):
    missing = "arn:aws:states:us-east-1:000000000000:stateMachine:gone"
    scheduler.create_schedule(
        Name="broken", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": missing, "RoleArn": role_arn, "RetryPolicy": {"MaximumRetryAttempts": 1,
                                                                     "MaximumEventAgeInSeconds": 3600}})
    now = datetime.now(UTC) + timedelta(seconds=1)
    ticks.run_due(now=now)
    fire = TriggerFire.objects.get()
    assert fire.status == "RETRYING" and "StateMachineDoesNotExist" in fire.reason
    ticks.run_due(now=now + timedelta(minutes=2))
    fire.refresh_from_db()
    assert (fire.status, fire.attempts) == ("FAILED", 2)


def test_rules_targets_and_put_events_start_executions(events, machine_arn, role_arn):
    pattern = {"source": ["shop.orders"], "detail": {"total": [{"numeric": [">", 100]}]}}
    rule_arn = events.put_rule(Name="big-orders", EventPattern=json.dumps(pattern))["RuleArn"]
    assert rule_arn == "arn:aws:events:us-east-1:000000000000:rule/big-orders"
    answer = events.put_targets(Rule="big-orders", Targets=[
        {"Id": "whole", "Arn": machine_arn, "RoleArn": role_arn},
        {"Id": "shaped", "Arn": machine_arn, "RoleArn": role_arn, "InputTransformer": {
            "InputPathsMap": {"order": "$.detail.id", "total": "$.detail.total"},
            "InputTemplate": '{"message": "order <order> over budget", "total": <total>}'}},
    ])
    assert answer["FailedEntryCount"] == 0
    assert [t["Id"] for t in events.list_targets_by_rule(Rule="big-orders")["Targets"]] == ["whole", "shaped"]
    result = events.put_events(Entries=[
        {"Source": "shop.orders", "DetailType": "Order Placed", "Detail": json.dumps({"id": "o-1", "total": 250})},
        {"Source": "shop.orders", "DetailType": "Order Placed", "Detail": json.dumps({"id": "o-2", "total": 5})},
        {"Source": "shop.orders", "DetailType": "Order Placed", "Detail": "not json"},
    ])
    assert result["FailedEntryCount"] == 1 and result["Entries"][2]["ErrorCode"] == "MalformedDetail"
    inputs = sorted((json.loads(e.input) for e in Execution.objects.all()), key=lambda i: "message" in i)
    assert len(inputs) == 2
    assert inputs[0]["detail"] == {"id": "o-1", "total": 250} and inputs[0]["detail-type"] == "Order Placed"
    assert inputs[1] == {"message": "order o-1 over budget", "total": 250}

    events.disable_rule(Name="big-orders")
    assert events.describe_rule(Name="big-orders")["State"] == "DISABLED"
    events.put_events(Entries=[{"Source": "shop.orders", "DetailType": "x", "Detail": '{"total": 900}'}])
    assert Execution.objects.count() == 2
    with pytest.raises(events.exceptions.ClientError, match="ValidationException"):
        events.delete_rule(Name="big-orders")  # AWS: remove the targets first
    events.remove_targets(Rule="big-orders", Ids=["whole", "shaped"])
    events.delete_rule(Name="big-orders")
    with pytest.raises(events.exceptions.ResourceNotFoundException) as info:
        events.describe_rule(Name="big-orders")
    assert info.value.response["Error"]["Message"] == "Rule big-orders does not exist on EventBus default."


def test_buses_patterns_and_errors(events, machine_arn):
    bus_arn = events.create_event_bus(Name="orders")["EventBusArn"]
    assert bus_arn.endswith(":event-bus/orders")
    with pytest.raises(events.exceptions.ResourceAlreadyExistsException):
        events.create_event_bus(Name="orders")
    assert {b["Name"] for b in events.list_event_buses()["EventBuses"]} == {"default", "orders"}
    events.put_rule(Name="on-orders", EventBusName="orders", EventPattern='{"source": ["a"]}')
    assert [r["Name"] for r in events.list_rules(EventBusName="orders")["Rules"]] == ["on-orders"]
    assert events.list_rules()["Rules"] == []
    with pytest.raises(events.exceptions.ClientError, match="ValidationException"):
        events.put_rule(Name="tick", EventBusName="orders", ScheduleExpression="rate(5 minutes)")
    with pytest.raises(events.exceptions.InvalidEventPatternException):
        events.put_rule(Name="bad", EventPattern='{"source": "not-a-list"}')
    with pytest.raises(events.exceptions.ClientError, match="ValidationException"):
        events.put_rule(Name="bad", ScheduleExpression="cron(0 7 * * * *)")
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.put_rule(Name="x", EventBusName="nope", EventPattern='{"source": ["a"]}')
    with pytest.raises(events.exceptions.ClientError, match="ValidationException"):
        events.delete_event_bus(Name="default")
    sample = {"id": "1", "account": "1", "source": "aws.ec2", "time": "2026-01-01T00:00:00Z", "region": "us-east-1",
              "detail-type": "x", "resources": [], "detail": {"state": "running"}}
    assert events.test_event_pattern(EventPattern='{"detail": {"state": [{"prefix": "run"}]}}',
                                     Event=json.dumps(sample))["Result"] is True
    assert events.test_event_pattern(EventPattern='{"source": [{"anything-but": "aws.ec2"}]}',
                                     Event=json.dumps(sample))["Result"] is False
    events.delete_event_bus(Name="orders")
    assert {b["Name"] for b in events.list_event_buses()["EventBuses"]} == {"default"}


def test_a_scheduled_rule_sends_a_scheduled_event(events, machine_arn, role_arn):
    events.put_rule(Name="hourly", ScheduleExpression="rate(1 hour)")
    events.put_targets(Rule="hourly", Targets=[{"Id": "m", "Arn": machine_arn, "RoleArn": role_arn}])
    assert ticks.run_due(now=datetime.now(UTC) + timedelta(minutes=61)) == 1
    assert ticks.run_due(now=datetime.now(UTC) + timedelta(minutes=61)) == 0
    event = json.loads(Execution.objects.get().input)
    assert (event["source"], event["detail-type"]) == ("aws.events", "Scheduled Event")
    assert event["resources"] == ["arn:aws:events:us-east-1:000000000000:rule/hourly"]
