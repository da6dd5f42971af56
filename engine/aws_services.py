"""AWS services as Step Functions names them in `arn:aws:states:::aws-sdk:<service>:<action>`.

Step Functions uses the AWS SDK for Java 2.x's names (`eventbridge`, `sfn`, `cloudwatchlogs`,
`acmpca`); botocore's are mostly the same without hyphens, and `botocore_name` maps the rest.
botocore is imported only when a name is looked up, and only its data files are read: the engine
stays free of any network client.
"""

from __future__ import annotations

import functools
from typing import Any

# Step Functions service names that are not botocore's name without its hyphens.
SFN_NAMES = {
    "eventbridge": "events", "cloudwatchevents": "events", "cloudwatchlogs": "logs", "sfn": "stepfunctions",
    "elasticloadbalancingv2": "elbv2", "elasticloadbalancing": "elb", "databasemigration": "dms",
    "cognitoidentityprovider": "cognito-idp", "configservice": "config", "costexplorer": "ce",
    "iotdataplane": "iot-data", "marketplacemetering": "meteringmarketplace", "lexmodelbuilding": "lex-models",
    "lexruntime": "lex-runtime", "migrationhub": "mgh", "elasticsearch": "es", "sagemakerruntime": "sagemaker-runtime",
    "applicationdiscovery": "discovery", "costandusagereport": "cur",
}


def available() -> bool:
    """True when botocore (the AWS SDK's service models) is installed."""
    try:
        import botocore  # noqa: F401
    except ImportError:
        return False
    return True


@functools.cache
def _index() -> dict[str, str]:
    import botocore.session

    names = botocore.session.get_session().get_available_services()
    index = {name.replace("-", ""): name for name in names}
    index.update({sfn: boto for sfn, boto in SFN_NAMES.items() if boto in names})
    return index


def botocore_name(service: str) -> str | None:
    """botocore's name for a Step Functions aws-sdk service name (None when there is none)."""
    return _index().get(service.lower())


@functools.cache
def service_model(name: str) -> Any:
    """botocore's ServiceModel of botocore service `name`."""
    import botocore.model
    import botocore.session

    loader = botocore.session.get_session().get_component("data_loader")
    return botocore.model.ServiceModel(loader.load_service_model(name, "service-2"), service_name=name)


def operation_name(service: str, action: str) -> str | None:
    """botocore's operation name (`GetObject`) for an aws-sdk action (`getObject`), or None."""
    name = botocore_name(service)
    if name is None or not action:
        return None
    wanted = action[0].upper() + action[1:]
    return wanted if wanted in service_model(name).operation_names else None
