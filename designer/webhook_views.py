"""The webhook URL `/webhooks/<token>`: a thin adapter over `designer.triggers.webhooks.call`."""

import json

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from designer.triggers import webhooks


@csrf_exempt
def webhook(request, token: str) -> HttpResponse:
    if request.method != "POST":
        response = HttpResponse(json.dumps({"error": "MethodNotAllowed", "message": "POST to this URL."}),
                                status=405, content_type="application/json")
        response["Allow"] = "POST"
        return response
    if int(request.META.get("CONTENT_LENGTH") or 0) > webhooks.MAX_BODY_BYTES:
        body = b"x" * (webhooks.MAX_BODY_BYTES + 1)  # refused by size before it is read
    else:
        body = request.body
    answer = webhooks.call(
        token=token, body=body, content_type=request.content_type or "",
        headers={k.lower(): v for k, v in request.headers.items()},
        wait=request.GET.get("wait", "").lower() in ("1", "true", "yes"),
    )
    response = HttpResponse(json.dumps(answer.body), status=answer.status, content_type="application/json")
    for key, value in (answer.headers or {}).items():
        response[key] = value
    return response
