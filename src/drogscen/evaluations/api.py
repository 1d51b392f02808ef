"""Saved evaluations over the API (read-only: evaluations are made on the pages), scoped
like the pages: whoever sees the scene sees its evaluations."""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from rest_framework import serializers

from drogscen.core.api import ScopedReadOnlyViewSet
from drogscen.core.filters import IdFilter, YearFilter
from drogscen.evaluations.models import Evaluation
from drogscen.interventions.models import Intervention
from drogscen.scenes.selectors import scene_list


class EvaluationSerializer(serializers.ModelSerializer):
    scene = serializers.SlugRelatedField(slug_field="ref", read_only=True)
    interventions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    methods = serializers.SerializerMethodField()
    control_scenes = serializers.SerializerMethodField()
    snapshot = serializers.SerializerMethodField()
    verdict = serializers.CharField(read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "scene",
            "interventions",
            "methods",
            "outcome",
            "before_start",
            "before_end",
            "after_start",
            "after_end",
            "buffer",
            "control_kind",
            "control_scenes",
            "control_geometry",
            "verdict",
            "results",
            "snapshot",
            "note",
            "created_at",
        ]

    def _visible(self, ref: str) -> bool:
        return ref in self.context.get("visible_scene_refs", ())

    def get_control_scenes(self, obj) -> list[str]:
        """The comparison scenes the caller sees (others lie in areas not theirs)."""
        return [s.ref for s in obj.control_scenes.all() if self._visible(s.ref)]

    def get_snapshot(self, obj) -> dict:
        snapshot = dict(obj.snapshot or {})
        if isinstance(control := snapshot.get("control"), dict) and "scenes" in control:
            snapshot["control"] = {
                **control,
                "scenes": [ref for ref in control["scenes"] if self._visible(ref)],
            }
        return snapshot

    def get_methods(self, obj) -> list[str]:
        return sorted({m.code for i in obj.interventions.all() for m in i.methods.all()})


class EvaluationFilter(filters.FilterSet):
    scene = filters.CharFilter(field_name="scene__ref")
    method = filters.CharFilter(field_name="interventions__methods__code", distinct=True)
    intervention = IdFilter(field_name="interventions__id", distinct=True)
    after_year = YearFilter(field_name="after_end__year")

    class Meta:
        model = Evaluation
        fields = ["scene", "method", "intervention", "outcome", "after_year"]


class EvaluationViewSet(ScopedReadOnlyViewSet):
    """Saved evaluations with their parameters, the data used and the results (RES, WDD,
    WDQ, interrupted time series). Filters: scene, method, intervention, outcome,
    after_year."""

    queryset = (
        Evaluation.objects.select_related("scene")
        .prefetch_related(
            Prefetch("interventions", queryset=Intervention.objects.prefetch_related("methods")),
            "control_scenes",
        )
        .order_by("-created_at", "-pk")
    )
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilter

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["visible_scene_refs"] = set(
            scene_list(fetched_by=self.request.user).values_list("ref", flat=True)
        )
        return context
