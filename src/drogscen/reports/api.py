"""The county report over the API: the same builder as every other output, scoped to the
caller like `drogscen report --as`."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from drogscen.reports.builder import ReportYearError, report_build


class ReportView(APIView):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        description="The county report for a reference year (keys as in the README). "
        "A caller who does not see the whole county gets county totals and the breakdowns "
        "of their own areas.",
    )
    def get(self, request, year: int):
        try:
            return Response(report_build(year=year, fetched_by=request.user))
        except ReportYearError as exc:
            raise exceptions.NotFound(str(exc)) from exc
