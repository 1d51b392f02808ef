"""Outcome figures over the API (read-only), scoped like the pages: indicators per
scene, survey results with their confidence intervals, youth signals with small counts
suppressed, and crime event *summaries* — raw events are never served. Naming a scene
the caller may not see is 404."""

from __future__ import annotations

from django.db.models import Sum
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from drogscen.core import access
from drogscen.core.api import ScopedViewSetMixin, query_text
from drogscen.core.filters import possible_year
from drogscen.outcomes.access import TOTALS, scenes_with_details
from drogscen.outcomes.intervals import wilson_interval
from drogscen.outcomes.models import (
    Category,
    Indicator,
    SurveyIndicator,
    SurveyResult,
    YouthSignal,
    Zone,
)
from drogscen.outcomes.reporting import SUPPRESSED


def _require_visible_scene(request) -> None:
    """A scene named in ?scene= must be one whose figures the caller may read (the
    partners see the scene list, not a scene's figures): otherwise 404."""
    ref = query_text(request, "scene")
    if ref and not scenes_with_details(request.user).filter(ref=ref).exists():
        raise Http404


SCENE_NOT_VISIBLE = {404: "A scene named in `scene` whose figures the caller may not read."}


class _SceneScopedList(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    openapi_errors = SCENE_NOT_VISIBLE  # core/openapi.py

    def list(self, request, *args, **kwargs):
        _require_visible_scene(request)
        return super().list(request, *args, **kwargs)


# --------------------------------------------------------------------------- indicators


class IndicatorSerializer(serializers.ModelSerializer):
    scene = serializers.CharField(source="scene.ref")

    class Meta:
        model = Indicator
        fields = ["scene", "zone", "category", "year", "month", "count", "from_events"]


class YearlyIndicatorSerializer(serializers.Serializer):
    scene = serializers.CharField()
    zone = serializers.ChoiceField(choices=Zone.choices)
    category = serializers.ChoiceField(choices=Category.choices)
    year = serializers.IntegerField()
    count = serializers.IntegerField()


class IndicatorFilter(filters.FilterSet):
    scene = filters.CharFilter(field_name="scene__ref")
    municipality = filters.CharFilter(field_name="scene__municipality__code")

    class Meta:
        model = Indicator
        fields = ["scene", "municipality", "year", "zone", "category", "month"]


PERIOD = OpenApiParameter(
    "period",
    OpenApiTypes.STR,
    enum=["month", "year"],
    description="`year`: one row per scene, zone, category and year (months summed).",
)


@extend_schema(parameters=[PERIOD])
class IndicatorViewSet(_SceneScopedList):
    """Crime counts per scene × zone × month × category for the scenes the caller may
    see. Month 0 is a whole-year figure from aggregated counts (years without events).
    `?period=year` sums the months."""

    queryset = (
        Indicator.objects.select_related("scene")
        .only("scene__ref", "zone", "category", "year", "month", "count", "from_events")
        .order_by("scene__ref", "year", "month", "zone", "category")
    )
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter

    def list(self, request, *args, **kwargs):
        if request.query_params.get("period") != "year":
            return super().list(request, *args, **kwargs)
        _require_visible_scene(request)
        rows = (
            self.filter_queryset(self.get_queryset())
            .values("scene__ref", "zone", "category", "year")
            .annotate(total=Sum("count"))
            .order_by("scene__ref", "year", "zone", "category")
        )
        page = self.paginate_queryset(rows)
        data = YearlyIndicatorSerializer(
            [
                {
                    "scene": r["scene__ref"],
                    "zone": r["zone"],
                    "category": r["category"],
                    "year": r["year"],
                    "count": r["total"],
                }
                for r in page
            ],
            many=True,
        ).data
        return self.get_paginated_response(data)


# --------------------------------------------------------------------------- surveys


class SurveyResultSerializer(serializers.ModelSerializer):
    scene = serializers.CharField(source="scene.ref")
    indicator = serializers.CharField(source="indicator.code")
    unit = serializers.CharField(source="indicator.unit")
    direction = serializers.CharField(source="indicator.direction")
    ci_low = serializers.SerializerMethodField()
    ci_high = serializers.SerializerMethodField()

    class Meta:
        model = SurveyResult
        fields = [
            "scene",
            "year",
            "indicator",
            "unit",
            "direction",
            "value",
            "respondents",
            "ci_low",
            "ci_high",
        ]

    def _interval(self, result) -> tuple[float, float] | None:
        if result.indicator.unit != SurveyIndicator.Unit.PERCENT:
            return None  # a mean on a scale needs its spread, which surveys do not report
        low, high = wilson_interval(result.value / 100, result.respondents)
        return round(100 * low, 2), round(100 * high, 2)

    def get_ci_low(self, result) -> float | None:
        """95 % Wilson interval, lower bound (percent indicators only)."""
        interval = self._interval(result)
        return interval[0] if interval else None

    def get_ci_high(self, result) -> float | None:
        interval = self._interval(result)
        return interval[1] if interval else None


class SurveyFilter(filters.FilterSet):
    scene = filters.CharFilter(field_name="scene__ref")
    indicator = filters.CharFilter(field_name="indicator__code")

    class Meta:
        model = SurveyResult
        fields = ["scene", "year", "indicator"]


class SurveyResultViewSet(_SceneScopedList):
    """Safety-survey results with their 95 % confidence interval (Wilson, from the
    respondents, for percentages)."""

    queryset = SurveyResult.objects.select_related("scene", "indicator").order_by(
        "scene__ref", "indicator__code", "year"
    )
    serializer_class = SurveyResultSerializer
    filterset_class = SurveyFilter


# --------------------------------------------------------------------------- youth signals


@extend_schema_field(
    {"oneOf": [{"type": "integer", "minimum": YouthSignal.SUPPRESS_BELOW}, {"enum": [SUPPRESSED]}]}
)
class SuppressedCountField(serializers.Field):
    def to_representation(self, value):
        return SUPPRESSED if value < YouthSignal.SUPPRESS_BELOW else value


class YouthSignalSerializer(serializers.ModelSerializer):
    scene = serializers.CharField(source="scene.ref")
    kind = serializers.ChoiceField(source="indicator", choices=YouthSignal.Kind.choices)
    count = SuppressedCountField()

    class Meta:
        model = YouthSignal
        fields = ["scene", "year", "quarter", "kind", "count"]


class YouthSignalFilter(filters.FilterSet):
    scene = filters.CharFilter(field_name="scene__ref")
    kind = filters.ChoiceFilter(field_name="indicator", choices=YouthSignal.Kind.choices)

    class Meta:
        model = YouthSignal
        fields = ["scene", "year", "quarter", "kind"]


class YouthSignalViewSet(_SceneScopedList):
    """Aggregated signals about young people at the scenes, per quarter; counts below 3
    are given as "<3", never as the number."""

    queryset = YouthSignal.objects.select_related("scene").order_by(
        "scene__ref", "year", "quarter", "indicator"
    )
    serializer_class = YouthSignalSerializer
    filterset_class = YouthSignalFilter


# --------------------------------------------------------------------------- event summary


class EventSummarySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    zone = serializers.ChoiceField(choices=Zone.choices)
    category = serializers.ChoiceField(choices=Category.choices)
    count = serializers.IntegerField()


class EventSummaryView(APIView):
    """Crime counts per year, zone and category summed over the scenes the caller may
    see (optionally one scene, municipality or year). Never single events."""

    openapi_errors = SCENE_NOT_VISIBLE  # core/openapi.py

    @extend_schema(
        parameters=[
            OpenApiParameter("scene", OpenApiTypes.STR),
            OpenApiParameter("municipality", OpenApiTypes.STR),
            OpenApiParameter("year", OpenApiTypes.INT),
        ],
        responses=EventSummarySerializer(many=True),
    )
    def get(self, request):
        _require_visible_scene(request)
        ref = query_text(request, "scene")
        code = query_text(request, "municipality")
        # Unfiltered: the sum over every scene the caller sees (for the partners the
        # county aggregate); a breakdown only over scenes whose figures they may read.
        rows = Indicator.objects.all()
        if ref:
            rows = rows.filter(scene__ref=ref)
        if code:
            rows = rows.filter(scene__municipality__code=code)
        rows = access.restrict(rows, request.user, access.VIEW if ref or code else TOTALS)
        if value := request.query_params.get("year"):
            if (year := possible_year(value)) is None:
                raise serializers.ValidationError({"year": [_("A year, e.g. 2024.")]})
            rows = rows.filter(year=year)
        summary = (
            rows.values("year", "zone", "category")
            .annotate(count=Sum("count"))
            .order_by("year", "zone", "category")
        )
        return Response(EventSummarySerializer(list(summary), many=True).data)
