import uuid

from drogscen.audit.context import serving


class AuditContextMiddleware:
    """Tags every write and recorded read of a request with its user and a request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        with serving(request):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response
