"""What a definition may contain: query languages, state types, numeric limits, and the fields
each kind of object accepts (machines, states by type and language, retriers, catchers)."""

from __future__ import annotations

JSONPATH, JSONATA = "JSONPath", "JSONata"
STATE_TYPES = ("Choice", "Fail", "Map", "Parallel", "Pass", "Succeed", "Task", "Wait")
MAX_STATE_NAME_LENGTH = 80
MAX_LABEL_LENGTH = 40
MAX_INTEGER = 99_999_999
MAX_DELAY_SECONDS = 31_622_400

# --- field tables --------------------------------------------------------------------------------
# Which fields each state type accepts, split by query language.  A field of the other language
# gets AWS's "only supported for the '…' QueryLanguage" message; any other unknown field gets
# "Field '…' is not supported" (AWS locates both at the state, not at the field).

COMMON_FIELDS = ("Type", "Comment", "QueryLanguage")
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "Pass": ("Next", "End", "Assign"),
    "Task": ("Resource", "Next", "End", "Assign", "Retry", "Catch", "TimeoutSeconds",
             "HeartbeatSeconds", "Credentials"),
    "Choice": ("Choices", "Default", "Assign"),
    "Wait": ("Next", "End", "Assign", "Seconds", "Timestamp"),
    "Succeed": (),
    "Fail": ("Error", "Cause"),
    "Parallel": ("Branches", "Next", "End", "Assign", "Retry", "Catch"),
    "Map": ("ItemProcessor", "Iterator", "ItemSelector", "ItemReader", "ResultWriter",
            "ItemBatcher", "MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage",
            "Label", "Next", "End", "Assign", "Retry", "Catch"),
}
JSONPATH_ONLY: dict[str, tuple[str, ...]] = {
    "Pass": ("InputPath", "OutputPath", "ResultPath", "Parameters", "Result"),
    "Task": ("InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
             "TimeoutSecondsPath", "HeartbeatSecondsPath"),
    "Choice": ("InputPath", "OutputPath"),
    "Wait": ("InputPath", "OutputPath", "SecondsPath", "TimestampPath"),
    "Succeed": ("InputPath", "OutputPath"),
    "Fail": ("ErrorPath", "CausePath"),
    "Parallel": ("InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector"),
    "Map": ("InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "ItemsPath",
            "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"),
}
JSONATA_ONLY: dict[str, tuple[str, ...]] = {
    "Pass": ("Output",),
    "Task": ("Output", "Arguments"),
    "Choice": ("Output",),
    "Wait": ("Output",),
    "Succeed": ("Output",),
    "Fail": (),
    "Parallel": ("Output", "Arguments"),
    "Map": ("Output", "Items"),
}
# Diagnostics about fields come out in this order whatever the order in the definition, so the
# list is stable (AWS's own order for these is not observable).
FIELD_ORDER = (
    "Output", "Arguments", "Items", "Condition", "InputPath", "OutputPath", "ResultPath",
    "Parameters", "ResultSelector", "Result", "ItemsPath", "SecondsPath", "TimestampPath",
    "ErrorPath", "CausePath", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
    "HeartbeatSecondsPath", "MaxConcurrencyPath", "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath", "Catch", "Retry",
)
MACHINE_FIELDS = {
    "top": ("StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"),
    "branch": ("StartAt", "States", "Comment"),
    "processor": ("StartAt", "States", "Comment", "ProcessorConfig"),
}
RETRIER_FIELDS = ("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate",
                  "MaxDelaySeconds", "JitterStrategy", "Comment")
CATCHER_FIELDS = {JSONPATH: ("ErrorEquals", "Next", "ResultPath", "Assign", "Comment"),
                  JSONATA: ("ErrorEquals", "Next", "Output", "Assign", "Comment")}
# AWS (recorded): a Map Label may not contain these characters, checked in this order.
LABEL_INVALID = list(' ?*<>{}[]:;,\\|^~$#%&`"') + [chr(i) for i in (*range(0x00, 0x20), *range(0x7F, 0xA0))]

TYPE_NAMES = {str: "STRING", int: "INTEGER", float: "NUMBER", bool: "BOOLEAN", dict: "OBJECT", list: "ARRAY"}
