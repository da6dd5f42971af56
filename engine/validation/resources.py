"""Which Task Resources name a real service integration, checked at CreateStateMachine as AWS does.

`arn:aws:states:::<service>:<action>[.pattern]` must be one of Step Functions' optimized
integrations with a pattern it supports
(https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html), and
`arn:aws:states:::aws-sdk:<service>:<action>` a service and API action the AWS SDK knows
(botocore's models, when botocore is installed), request-response or `.waitForTaskToken` only.
Activity ARNs, Lambda ARNs and function names are not checked here.
"""

from __future__ import annotations

import re

from engine import aws_services

RR, CB, SYNC, SYNC2 = "", ".waitForTaskToken", ".sync", ".sync:2"
_ALL = frozenset({RR, CB, SYNC})
_RR = frozenset({RR})
_RR_CB = frozenset({RR, CB})
_RR_SYNC = frozenset({RR, SYNC})

# service → action → the integration patterns AWS accepts for it.
OPTIMIZED: dict[str, dict[str, frozenset]] = {
    "lambda": {"invoke": _RR_CB},
    "sqs": {"sendMessage": _RR_CB},
    "sns": {"publish": _RR_CB},
    "dynamodb": {a: _RR for a in ("getItem", "putItem", "updateItem", "deleteItem")},
    "events": {"putEvents": _RR_CB},
    "batch": {"submitJob": _ALL},
    "ecs": {"runTask": _ALL},
    "glue": {"startJobRun": _ALL},
    "states": {"startExecution": frozenset({RR, CB, SYNC, SYNC2})},
    "http": {"invoke": _RR_CB},
    "apigateway": {"invoke": _RR_CB},
    "athena": {"startQueryExecution": _RR_SYNC, "stopQueryExecution": _RR, "getQueryExecution": _RR,
               "getQueryResults": _RR},
    "codebuild": {"startBuild": _RR_SYNC, "stopBuild": _RR, "batchDeleteBuilds": _RR, "batchGetReports": _RR,
                  "startBuildBatch": _RR_SYNC, "retryBuild": _RR_SYNC, "retryBuildBatch": _RR_SYNC,
                  "stopBuildBatch": _RR, "deleteBuildBatch": _RR},
    "databrew": {"startJobRun": _RR_SYNC},
    "bedrock": {"invokeModel": _RR, "createModelCustomizationJob": _RR_SYNC},
    "mediaconvert": {"createJob": _RR_SYNC},
    "eks": {"createCluster": _RR_SYNC, "deleteCluster": _RR_SYNC, "createFargateProfile": _RR_SYNC,
            "deleteFargateProfile": _RR_SYNC, "createNodegroup": _RR_SYNC, "deleteNodegroup": _RR_SYNC,
            "runJob": _RR_SYNC, "call": _RR},
    "elasticmapreduce": {"createCluster": _RR_SYNC, "terminateCluster": _RR_SYNC, "addStep": _RR_SYNC,
                         "cancelStep": _RR, "setClusterTerminationProtection": _RR,
                         "modifyInstanceFleetByName": _RR, "modifyInstanceGroupByName": _RR},
    "emr-containers": {"startJobRun": _RR_SYNC, "createVirtualCluster": _RR, "deleteVirtualCluster": _RR_SYNC},
    "emr-serverless": {a: _RR_SYNC for a in ("createApplication", "startApplication", "stopApplication",
                                             "deleteApplication", "startJobRun", "cancelJobRun")},
    "sagemaker": {**{a: _RR_SYNC for a in ("createTrainingJob", "createTransformJob", "createProcessingJob",
                                           "createHyperParameterTuningJob", "createLabelingJob")},
                  **{a: _RR for a in ("createEndpoint", "createEndpointConfig", "createModel", "updateEndpoint")}},
}

_SERVICE_ARN = re.compile(r"^arn:aws[a-z-]*:states:[^:]*:[^:]*:(?!activity:|stateMachine:|execution:)(.+)$")
_PATTERN = re.compile(r"^(.*?)(\.waitForTaskToken|\.sync:2|\.sync)?$")


def _not_recognized(resource: str) -> str:
    # AWS: CreateStateMachine's text for a Resource that is no integration.
    return (f"The resource provided {resource} is not recognized. The value is not a valid resource ARN, "
            "or the resource is not available in this region.")


def _sdk_action_known(service: str, action: str) -> bool:
    if not aws_services.available():  # without botocore every aws-sdk call is taken on trust
        return True
    return aws_services.operation_name(service, action) is not None


def problem(resource: str) -> str | None:
    """Why `resource` is not a real integration, or None when it is (or is not a service ARN)."""
    match = _SERVICE_ARN.match(resource)
    if match is None:
        return None
    rest, pattern = _PATTERN.match(match.group(1)).groups()
    pattern = pattern or ""
    service, _, action = rest.rpartition(":")
    if service.startswith("aws-sdk:"):
        if pattern in (RR, CB) and _sdk_action_known(service.split(":", 1)[1], action):
            return None
        return _not_recognized(resource)
    patterns = OPTIMIZED.get(service, {}).get(action)
    if patterns is None or pattern not in patterns:
        return _not_recognized(resource)
    return None
