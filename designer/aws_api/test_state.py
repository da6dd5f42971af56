"""TestState through the AWS API: the operation handler over `designer.resources.test_state`.
Reference: https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
"""

from __future__ import annotations

from typing import Any

from designer.resources import test_state as core


def test_state(ctx: Any, params: dict) -> dict:
    """The TestState operation (refusals are ServiceErrors; the view renders them)."""
    return core.test_state(owner=ctx.user, region=ctx.region, params=params)
