"""One endpoint per action at /api/3/action/<name> (and /api/action/<name>, as CKAN answers both).

GET takes the parameters from the query string, POST from a JSON body (what `ckanapi` sends) or
a form. Every answer has CKAN's envelope: {"help", "success", "result"} or {"help", "success":
false, "error": {"__type", "message", ...}} with the HTTP status CKAN uses for that error.
"""

from __future__ import annotations

import json
import logging

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from apps.opendata.ckan.actions import ACTIONS, ActionError

logger = logging.getLogger(__name__)


def _help_url(request: HttpRequest, action: str) -> str:
    return request.build_absolute_uri(reverse("ckan-action", args=["help_show"])) + f"?name={action}"


def _error(request: HttpRequest, action: str, error: ActionError) -> JsonResponse:
    # CKAN's own wording: "Not found: <what>", field errors as lists under the field's name.
    body = {"__type": error.kind, "message": f"Not found: {error.message}" if error.status == 404
            else error.message, **error.fields}
    return JsonResponse({"help": _help_url(request, action), "success": False, "error": body},
                        status=error.status, json_dumps_params={"ensure_ascii": False})


def _params(request: HttpRequest) -> dict:
    if request.method == "GET":
        return {key: request.GET.get(key) for key in request.GET}
    if request.content_type == "application/json" or (request.body[:1] in (b"{", b"[")):
        if not request.body.strip():
            return {}
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise ActionError("Bad request", 400, "Bad request - JSON Error: could not parse the body") from None
        if not isinstance(data, dict):
            raise ActionError("Bad request", 400, "Bad request - JSON Error: the body must be an object")
        return data
    return {key: request.POST.get(key) for key in request.POST}


@csrf_exempt  # read-only actions without a session: nothing for a forged request to do
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, name: str) -> JsonResponse:
    if name == "help_show":
        wanted = request.GET.get("name", "")
        handler = ACTIONS.get(wanted)
        if handler is None:
            return _error(request, name, ActionError("Not Found Error", 404, "Action function not found"))
        return JsonResponse({"help": _help_url(request, name), "success": True,
                             "result": f"{wanted}: see CKAN's API guide, https://docs.ckan.org/en/2.10/api/"})
    handler = ACTIONS.get(name)
    if handler is None:
        return JsonResponse({"help": _help_url(request, "help_show"), "success": False, "error": {
            "__type": "Bad request", "message": f"Bad request - Action name not known: {name}"}}, status=400)
    try:
        result = handler(request, _params(request))
    except ActionError as error:
        return _error(request, name, error)
    response = JsonResponse({"help": _help_url(request, name), "success": True, "result": result},
                            json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response
