"""The county report over the API: the same builder as every other output, scoped to the
caller like `drogscen report --as`."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from drogscen.core.openapi import ErrorSerializer
from drogscen.reports.builder import ReportYearError
from drogscen.reports.editions import report_for_year


def _object(properties: dict, *, required=None, description: str = "") -> dict:
    schema = {"type": "object", "properties": properties, "required": required or list(properties)}
    if description:
        schema["description"] = description
    return schema


def _counts(description: str) -> dict:
    return {
        "type": "object",
        "additionalProperties": {"type": "integer"},
        "description": description,
    }


INTEGER = {"type": "integer"}
NULLABLE_INTEGER = {"type": "integer", "nullable": True}

# The report's keys (docs/contracts.md#report-json); sections later issues fill stay open
# objects.
REPORT_SCHEMA = _object(
    {
        "year": INTEGER,
        "generated_at": {"type": "string", "format": "date-time"},
        "scope": {
            "type": "string",
            "enum": ["county", "restricted"],
            "description": "restricted: the breakdowns count only the scenes the caller "
            "may see; the totals are the county's",
        },
        "status": {
            "type": "string",
            "enum": ["published", "preliminary"],
            "description": "published: the year's latest edition as stored when it was "
            "published; preliminary: built now",
        },
        "edition": _object(
            {
                "number": INTEGER,
                "published_at": {"type": "string", "format": "date-time"},
                "sha256": {"type": "string", "description": "of the edition's stored JSON"},
            },
        )
        | {"nullable": True},
        "scenes": _object(
            {
                "count": INTEGER,
                "previous_count": NULLABLE_INTEGER,
                "change": NULLABLE_INTEGER,
                "new": NULLABLE_INTEGER,
                "removed": NULLABLE_INTEGER,
                "unmapped": INTEGER,
                "area_m2": INTEGER,
                "previous_area_m2": NULLABLE_INTEGER,
            },
            description="Open scenes in the year (null where there is no year before)",
        ),
        "municipalities": _object(
            {
                "with_scenes": INTEGER,
                "total": INTEGER,
                "by_code": _counts("open scenes per municipality code"),
            }
        ),
        "local_police_areas": _object(
            {
                "with_scenes": INTEGER,
                "by_name": _counts("open scenes per local police area that led the mapping"),
            }
        ),
        "stockholm_districts": _object(
            {
                "with_scenes": INTEGER,
                "total": INTEGER,
                "names": {"type": "array", "items": {"type": "string"}},
            },
            description="District administrations valid at the end of the year",
        ),
        "mappings": _object(
            {"count": INTEGER, "joint_share": {"type": "number", "nullable": True}}
        ),
        "substances": _counts("main substance code → open scenes"),
        "symptoms": _counts("symptom code → open scenes showing it"),
        "goal": _object(
            {
                "series": _counts("year → open scenes, from the first year with data"),
                "on_track": {"type": "boolean", "nullable": True},
                "target_year": INTEGER,
            }
        ),
        "outcomes": _object(
            {
                "violent_inside": NULLABLE_INTEGER,
                "violent_inside_previous": NULLABLE_INTEGER,
                "detected_inside": NULLABLE_INTEGER,
                "detected_inside_previous": NULLABLE_INTEGER,
            },
            description="Summed over the scenes open in the year (more keys in the README)",
        )
        | {"additionalProperties": True},
        "interventions": _object(
            {"active": INTEGER, "by_method": _counts("method code → active interventions")}
        )
        | {"additionalProperties": True},
        "evaluations": _object(
            {
                "count": INTEGER,
                "items": {"type": "array", "items": {"type": "object"}},
                "by_method": {"type": "object", "additionalProperties": {"type": "object"}},
            }
        ),
    }
)


class ReportView(APIView):
    @extend_schema(
        responses={
            200: OpenApiResponse(response=REPORT_SCHEMA, description="The report"),
            404: OpenApiResponse(
                response=ErrorSerializer,
                description="No approved mappings for the year (the message gives the "
                "years there are)",
            ),
        },
        description="The county report for a reference year (keys as in the README): "
        "a published year's latest edition, as stored, for a caller who sees the county's "
        "breakdowns; otherwise built now and marked preliminary. "
        "A caller who does not see every scene gets county totals and breakdowns counted "
        "over the scenes they may see.",
    )
    def get(self, request, year: int):
        try:
            return Response(report_for_year(year=year, fetched_by=request.user))
        except ReportYearError as exc:
            raise exceptions.NotFound(str(exc)) from exc
