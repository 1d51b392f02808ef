import re
import uuid

from drogscen.audit.context import serving

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class AuditContextMiddleware:
    """Tags every write and recorded read of a request with its user and a request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        # A caller's id is kept for correlation only when it is a plain token of ≤ 64 chars.
        request.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        with serving(request):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response
