"""The machine endpoint a webhook system answers its task at (no cookies, no CSRF token: the
signature is its credential)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from website.extensions import csrf
from website.webhooks.answers import AnswerError, take_answer

bp = Blueprint("webhooks", __name__)


@bp.post("/hooks/tasks/<int:task_id>")
@csrf.exempt
def answer(task_id: int) -> tuple[Response, int]:
    """A system's signed answer to its task: 200 when taken, a 4xx with the reason otherwise."""
    limit = current_app.config["WEBHOOK_ANSWER_MAX_BYTES"]
    if (request.content_length or 0) > limit:
        return jsonify(error=f"The body is larger than {limit} bytes."), 413
    raw = request.get_data(cache=False)  # bounded by MAX_CONTENT_LENGTH as well
    if len(raw) > limit:
        return jsonify(error=f"The body is larger than {limit} bytes."), 413
    headers = {name: request.headers.get(name, "")
               for name in ("webhook-id", "webhook-timestamp", "webhook-signature")}
    try:
        task = take_answer(task_id, headers, raw)
    except AnswerError as error:
        return jsonify(error=str(error)), error.status
    return jsonify(task=task.id, state=task.state), 200
