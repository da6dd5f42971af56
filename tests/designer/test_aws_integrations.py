"""AWS service integrations against moto's server, through a live Statecraft server.

The server is configured only through the AWS SDK's standard settings (AWS_ENDPOINT_URL and
credentials in its environment), as a user pointing it at LocalStack or real AWS would be.
Covers aws-sdk calls (S3, DynamoDB) with AWS's error names, and the optimized SQS, SNS,
DynamoDB and EventBridge integrations with their result shapes and `.waitForTaskToken`.
"""

from __future__ import annotations

import json
import time
import uuid

import pytest

from tests.designer.runtime_server import RuntimeServer, create_machine, history, wait_done


@pytest.fixture(scope="module")
def server(tmp_path_factory, moto_endpoint):
    workdir = tmp_path_factory.mktemp("aws")
    server = RuntimeServer(workdir, STATECRAFT_EVENTS_TARGET="aws", STATECRAFT_SYNC_POLL_SECONDS="0.2",
                           **moto_endpoint.env)
    server.setup()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sfn(server):
    return server.client()


def run(sfn, definition: dict, input: dict | None = None) -> tuple[str, dict]:
    arn = create_machine(sfn, f"m-{uuid.uuid4().hex[:10]}", definition)
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(input or {}))["executionArn"]
    return execution, wait_done(sfn, execution)


def task(resource: str, parameters: dict, **fields) -> dict:
    return {"Type": "Task", "Resource": f"arn:aws:states:::{resource}", "Parameters": parameters, **fields}


def succeeded(described: dict) -> dict:
    assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
    return json.loads(described["output"])


def test_aws_sdk_s3_calls_take_pascal_case_and_name_errors_as_step_functions_does(sfn, moto_endpoint):
    bucket = f"b-{uuid.uuid4().hex[:8]}"
    moto_endpoint.client("s3").create_bucket(Bucket=bucket)
    definition = {"StartAt": "Put", "States": {
        "Put": task("aws-sdk:s3:putObject", {"Bucket": bucket, "Key": "greeting.txt", "Body.$": "$.text"},
                    ResultPath="$.put", Next="Get"),
        "Get": task("aws-sdk:s3:getObject", {"Bucket": bucket, "Key": "greeting.txt"},
                    ResultSelector={"Body.$": "$.Body", "Length.$": "$.ContentLength"}, ResultPath="$.got",
                    Next="Missing"),
        "Missing": task("aws-sdk:s3:getObject", {"Bucket": bucket, "Key": "nope"}, End=True,
                        Catch=[{"ErrorEquals": ["S3.NoSuchKeyException"], "ResultPath": "$.error", "Next": "Caught"}]),
        "Caught": {"Type": "Pass", "End": True},
    }}
    execution, described = run(sfn, definition, {"text": "hello"})
    output = succeeded(described)
    assert output["got"] == {"Body": "hello", "Length": 5}
    assert "ETag" in output["put"]
    assert output["error"]["Error"] == "S3.NoSuchKeyException"
    assert "The specified key does not exist" in output["error"]["Cause"]
    assert "Service: S3, Status Code: 404" in output["error"]["Cause"]
    scheduled = [e for e in history(sfn, execution) if e["type"] == "TaskScheduled"]
    assert scheduled[0]["taskScheduledEventDetails"]["resourceType"] == "aws-sdk:s3"


def test_aws_sdk_results_are_pascal_case_even_for_camel_case_services(sfn, moto_endpoint):
    # DynamoDB's model is PascalCase already; ListTables' LastEvaluatedTableName is; ApiGateway's
    # GetRestApis answers "items", which Step Functions returns as "Items".
    _, described = run(sfn, {"StartAt": "Apis", "States": {"Apis": task("aws-sdk:apigateway:getRestApis", {},
                                                                         End=True)}})
    assert succeeded(described) == {"Items": []}


def test_optimized_sqs_send_message_sends_json_bodies_as_text_and_returns_aws_shape(sfn, moto_endpoint):
    sqs = moto_endpoint.client("sqs")
    url = sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    _, described = run(sfn, {"StartAt": "Send", "States": {"Send": task(
        "sqs:sendMessage", {"QueueUrl": url, "MessageBody": {"order.$": "$.order"}}, End=True)}}, {"order": 7})
    output = succeeded(described)
    assert set(output) >= {"MD5OfMessageBody", "MessageId", "SdkHttpMetadata", "SdkResponseMetadata"}
    assert output["SdkHttpMetadata"]["HttpStatusCode"] == 200
    received = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert json.loads(received[0]["Body"]) == {"order": 7}


def test_sqs_send_message_wait_for_task_token_resumes_on_send_task_success(sfn, moto_endpoint):
    sqs = moto_endpoint.client("sqs")
    url = sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = create_machine(sfn, f"m-{uuid.uuid4().hex[:10]}", {"StartAt": "Ask", "States": {"Ask": task(
        "sqs:sendMessage.waitForTaskToken",
        {"QueueUrl": url, "MessageBody": {"token.$": "$$.Task.Token", "question": "approve?"}}, End=True)}})
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    deadline = time.monotonic() + 20
    messages: list = []
    while not messages and time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])
    body = json.loads(messages[0]["Body"])
    sfn.send_task_success(taskToken=body["token"], output=json.dumps({"approved": True}))
    assert succeeded(wait_done(sfn, execution)) == {"approved": True}
    assert "TaskSubmitted" in [e["type"] for e in history(sfn, execution)]


def test_sns_publish_reaches_a_subscribed_queue(sfn, moto_endpoint):
    sns, sqs = moto_endpoint.client("sns"), moto_endpoint.client("sqs")
    topic = sns.create_topic(Name=f"t-{uuid.uuid4().hex[:8]}")["TopicArn"]
    url = sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    _, described = run(sfn, {"StartAt": "Tell", "States": {"Tell": task(
        "sns:publish", {"TopicArn": topic, "Message": {"shipped": True}}, End=True)}})
    output = succeeded(described)
    assert "MessageId" in output and "SdkResponseMetadata" in output
    received = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert json.loads(received[0]["Body"]) == {"shipped": True}


def test_dynamodb_put_get_update_delete_and_conditional_failure_name(sfn, moto_endpoint):
    table = f"orders-{uuid.uuid4().hex[:8]}"
    moto_endpoint.client("dynamodb").create_table(
        TableName=table, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    key = {"id": {"S": "o-1"}}
    definition = {"StartAt": "Put", "States": {
        "Put": task("dynamodb:putItem", {"TableName": table, "Item": {"id": {"S": "o-1"}, "amount": {"N": "12"}}},
                    ResultPath=None, Next="Update"),
        "Update": task("dynamodb:updateItem", {"TableName": table, "Key": key, "UpdateExpression": "SET amount = :t",
                                               "ExpressionAttributeValues": {":t": {"N": "15"}},
                                               "ReturnValues": "UPDATED_NEW"}, ResultPath="$.updated", Next="Get"),
        "Get": task("dynamodb:getItem", {"TableName": table, "Key": key}, ResultPath="$.got", Next="Delete"),
        "Delete": task("dynamodb:deleteItem", {"TableName": table, "Key": key}, ResultPath=None, Next="Again"),
        "Again": task("dynamodb:putItem", {"TableName": table, "Item": {"id": {"S": "o-1"}},
                                           "ConditionExpression": "attribute_exists(id)"}, End=True,
                      Catch=[{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"], "ResultPath": "$.error",
                              "Next": "Gone"}]),
        "Gone": {"Type": "Pass", "End": True},
    }}
    output = succeeded(run(sfn, definition)[1])
    assert output["updated"]["Attributes"] == {"amount": {"N": "15"}}
    assert output["got"]["Item"] == {"id": {"S": "o-1"}, "amount": {"N": "15"}}
    assert output["got"]["SdkHttpMetadata"]["HttpStatusCode"] == 200
    assert output["error"]["Error"] == "DynamoDB.ConditionalCheckFailedException"
    assert "Item" not in moto_endpoint.client("dynamodb").get_item(TableName=table, Key=key)


def test_events_put_events_reaches_eventbridge_rule_targets(sfn, moto_endpoint):
    events, sqs = moto_endpoint.client("events"), moto_endpoint.client("sqs")
    url = sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    rule = f"r-{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["shop.orders"]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": queue_arn}])
    _, described = run(sfn, {"StartAt": "Emit", "States": {"Emit": task("events:putEvents", {"Entries": [{
        "Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": {"order.$": "$.order"}}]}, End=True)}},
        {"order": 3})
    output = succeeded(described)
    assert output["FailedEntryCount"] == 0 and len(output["Entries"]) == 1
    received = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert json.loads(received[0]["Body"])["detail"] == {"order": 3}


def test_glue_start_job_run_sync_polls_until_the_run_finishes(sfn, moto_endpoint):
    glue = moto_endpoint.client("glue")
    job = f"j-{uuid.uuid4().hex[:8]}"
    glue.create_job(Name=job, Role="arn:aws:iam::123456789012:role/glue", Command={"Name": "glueetl"})
    execution, described = run(sfn, {"StartAt": "Run", "States": {"Run": task(
        "glue:startJobRun.sync", {"JobName": job}, End=True)}})
    output = succeeded(described)
    assert output["JobName"] == job and output["JobRunState"] == "SUCCEEDED"
    types = [e["type"] for e in history(sfn, execution)]
    assert types.index("TaskSubmitted") < types.index("TaskSucceeded")


def test_unknown_integrations_are_rejected_at_create_state_machine(sfn):
    for resource in ("dynamodb:scanTable", "aws-sdk:s3:getObjectPlease", "aws-sdk:nosuchservice:list",
                     "sqs:sendMessage.sync"):
        with pytest.raises(sfn.exceptions.InvalidDefinition) as rejected:
            create_machine(sfn, f"m-{uuid.uuid4().hex[:8]}", {"StartAt": "T", "States": {
                "T": task(resource, {}, End=True)}})
        assert f"The resource provided arn:aws:states:::{resource} is not recognized" in str(rejected.value)


def test_a_role_maps_to_the_credential_profile_configured_for_it(tmp_path, monkeypatch, settings, moto_endpoint):
    from designer.resources import aws_sdk
    from engine.errors import StatesError

    # Two profiles: one reaches moto's server, the other an address where nothing listens.
    (tmp_path / "config").write_text(
        f"[profile moto]\nregion = us-east-1\nendpoint_url = {moto_endpoint.url}\n"
        "[profile nowhere]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9\n")
    (tmp_path / "credentials").write_text("[moto]\naws_access_key_id = a\naws_secret_access_key = b\n"
                                          "[nowhere]\naws_access_key_id = a\naws_secret_access_key = b\n")
    for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    settings.STATECRAFT_AWS_ROLE_PROFILES = {"arn:aws:iam::1:role/good": "moto", "*": "nowhere"}
    call = {"resource": "arn:aws:states:::aws-sdk:s3:listBuckets", "region": "us-east-1"}
    assert "Buckets" in aws_sdk.call("s3", "listBuckets", {}, role_arn="arn:aws:iam::1:role/good", **call)
    with pytest.raises(StatesError) as unreachable:
        aws_sdk.call("s3", "listBuckets", {}, role_arn="arn:aws:iam::1:role/other", **call)
    assert unreachable.value.error == "S3.SdkClientException"
    settings.STATECRAFT_AWS_ROLE_PROFILES = {"*": "missing"}
    with pytest.raises(StatesError, match="profile 'missing'"):
        aws_sdk.call("s3", "listBuckets", {}, role_arn=None, **call)


@pytest.mark.django_db
def test_put_events_without_eventbridge_settings_goes_to_statecraft_own_bus(user, monkeypatch, settings):
    from designer.resources import events

    monkeypatch.delenv("AWS_ENDPOINT_URL_EVENTBRIDGE", raising=False)
    settings.STATECRAFT_EVENTS_TARGET = ""
    assert events.target() == "statecraft"
    answer = events.to_own_bus({"Entries": [
        {"Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": {"order": 1}},
        {"Source": "shop.orders", "DetailType": "OrderPlaced"},
    ]}, owner_id=user.pk, region="us-east-1")
    assert answer["FailedEntryCount"] == 1
    assert "EventId" in answer["Entries"][0] and answer["Entries"][1]["ErrorCode"] == "InvalidArgument"


# -- the Distributed Map over S3 -------------------------------------------------------------

def _distributed(processor_states: dict, **fields) -> dict:
    return {"StartAt": "Fan out", "States": {"Fan out": {
        "Type": "Map", "Label": "orders", "End": True,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": next(iter(processor_states)), "States": processor_states},
        **fields}}}


def _map_run_arn(sfn, execution: str) -> str:
    return next(e for e in history(sfn, execution)
                if e["type"] == "MapRunStarted")["mapRunStartedEventDetails"]["mapRunArn"]


def test_distributed_map_reads_csv_from_s3_in_batches_and_writes_results_as_aws_does(sfn, moto_endpoint):
    s3 = moto_endpoint.client("s3")
    bucket = f"orders-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    rows = "".join(f"o-{i};{i * 2}\n" for i in range(23))
    s3.put_object(Bucket=bucket, Key="in/orders.csv", Body=("id;amount\n" + rows).encode())
    definition = _distributed(
        {"Total": {"Type": "Pass", "Parameters": {"count.$": "States.ArrayLength($.Items)",
                                                   "first.$": "$.Items[0].id", "run.$": "$.BatchInput.run"},
                   "End": True}},
        ItemReader={"Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "CSV", "CSVDelimiter": "SEMICOLON", "MaxItems": 21},
                    "Parameters": {"Bucket": bucket, "Key": "in/orders.csv"}},
        ItemBatcher={"MaxItemsPerBatch": 5, "BatchInput": {"run.$": "$.run"}},
        MaxConcurrency=3,
        ResultWriter={"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": bucket, "Prefix": "out"},
                      "WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSON"}},
    )
    execution, described = run(sfn, definition, {"run": "nightly"})
    output = succeeded(described)
    map_run = _map_run_arn(sfn, execution)
    run_id = map_run.rsplit(":", 1)[1]
    assert output == {"MapRunArn": map_run,
                      "ResultWriterDetails": {"Bucket": bucket, "Key": f"out/{run_id}/manifest.json"}}
    manifest = json.loads(s3.get_object(Bucket=bucket, Key=f"out/{run_id}/manifest.json")["Body"].read())
    assert manifest["MapRunArn"] == map_run and manifest["ResultFiles"]["FAILED"] == []
    [results_file] = manifest["ResultFiles"]["SUCCEEDED"]
    results = json.loads(s3.get_object(Bucket=bucket, Key=results_file["Key"])["Body"].read())
    assert sorted(r["count"] for r in results) == [1, 5, 5, 5, 5]  # 21 of the 23 rows, 5 a batch
    assert {r["run"] for r in results} == {"nightly"} and "o-0" in {r["first"] for r in results}

    # Each batch ran as a child execution with its own history, listed by its Map Run, paged.
    first = sfn.list_executions(mapRunArn=map_run, maxResults=2)
    assert len(first["executions"]) == 2 and first["nextToken"]
    rest = sfn.list_executions(mapRunArn=map_run, nextToken=first["nextToken"], maxResults=10)
    children = first["executions"] + rest["executions"]
    assert len(children) == 5 and {c["status"] for c in children} == {"SUCCEEDED"}
    assert all(c["mapRunArn"] == map_run for c in children)
    child = sfn.describe_execution(executionArn=children[0]["executionArn"])
    assert child["mapRunArn"] == map_run and json.loads(child["input"])["BatchInput"] == {"run": "nightly"}
    assert [e["type"] for e in history(sfn, child["executionArn"])][0] == "ExecutionStarted"
    parent_machine = described["stateMachineArn"]
    assert all(e["executionArn"] != child["executionArn"]
               for e in sfn.list_executions(stateMachineArn=parent_machine)["executions"])
    counts = sfn.describe_map_run(mapRunArn=map_run)["executionCounts"]
    assert counts["succeeded"] == 5 and counts["total"] == 5


def test_update_map_run_changes_a_running_map_run(sfn, moto_endpoint):
    definition = _distributed({"Pause": {"Type": "Wait", "Seconds": 1, "End": True}},
                              ItemsPath="$.items", MaxConcurrency=1)
    arn = create_machine(sfn, f"m-{uuid.uuid4().hex[:10]}", definition)
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps({"items": list(range(8))}))["executionArn"]
    deadline = time.monotonic() + 20
    map_run = None
    while map_run is None and time.monotonic() < deadline:
        map_run = next((e["mapRunStartedEventDetails"]["mapRunArn"] for e in history(sfn, execution)
                        if e["type"] == "MapRunStarted"), None)
        time.sleep(0.2)
    running_before = sfn.describe_map_run(mapRunArn=map_run)
    assert running_before["status"] == "RUNNING" and running_before["executionCounts"]["running"] <= 1
    sfn.update_map_run(mapRunArn=map_run, maxConcurrency=8)
    peak = 0
    while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING" and time.monotonic() < deadline:
        peak = max(peak, sfn.describe_map_run(mapRunArn=map_run)["executionCounts"]["running"])
        time.sleep(0.1)
    done = sfn.describe_map_run(mapRunArn=map_run)
    assert done["status"] == "SUCCEEDED" and done["maxConcurrency"] == 8
    assert peak > 1  # after the update several children ran at once


def test_redriving_a_failed_map_run_reruns_only_its_failed_children(sfn, server):
    flag = server.workdir / "fail"
    definition = _distributed({
        "Odd?": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "Flaky"}],
                 "Default": "Fine"},
        "Flaky": {"Type": "Task", "Resource": "flaky", "End": True},
        "Fine": {"Type": "Pass", "End": True},
    }, ItemsPath="$.items", ItemSelector={"n.$": "$$.Map.Item.Value"}, MaxConcurrency=2)
    flag.write_text("fail")
    try:
        execution, described = run(sfn, definition, {"items": [0, 1, 0, 1, 0]})
    finally:
        flag.unlink()
    assert described["status"] == "FAILED" and described["error"] == "States.ExceedToleratedFailureThreshold"
    map_run = _map_run_arn(sfn, execution)
    before = {c["executionArn"]: c["status"] for c in sfn.list_executions(mapRunArn=map_run)["executions"]}
    assert sorted(before.values()).count("FAILED") >= 1

    sfn.redrive_execution(executionArn=execution)
    assert succeeded(wait_done(sfn, execution)) is not None
    after = sfn.list_executions(mapRunArn=map_run)["executions"]
    assert len(after) == 5 and {c["status"] for c in after} == {"SUCCEEDED"}
    for child in after:
        redriven = before.get(child["executionArn"]) == "FAILED"
        assert child["redriveCount"] == (1 if redriven else 0), child
    assert "MapRunRedriven" in [e["type"] for e in history(sfn, execution)]
    assert sfn.describe_map_run(mapRunArn=map_run)["status"] == "SUCCEEDED"
