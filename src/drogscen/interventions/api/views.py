"""The actors' work over the API (read-only for now; recording is done on the pages and
through the services), with the same scoping as everything else."""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_view

from drogscen.core.api import ScopedReadOnlyViewSet
from drogscen.interventions.api.serializers import InterventionSerializer, MethodSerializer
from drogscen.interventions.models import Intervention, Method, Target, TargetProgress
from drogscen.scenes.models import Scene
from drogscen.scenes.selectors import scene_list


class MethodViewSet(ScopedReadOnlyViewSet):
    """The methods knowledge bank."""

    queryset = Method.objects.order_by("family", "code")
    serializer_class = MethodSerializer
    lookup_field = "code"
    filterset_fields = ["family"]


class InterventionFilter(filters.FilterSet):
    organisation = filters.CharFilter(field_name="organisation__code")
    municipality = filters.CharFilter(field_name="municipality__code")
    method = filters.CharFilter(field_name="methods__code", distinct=True)
    scene = filters.CharFilter(field_name="scenes__ref", distinct=True)

    class Meta:
        model = Intervention
        fields = ["status", "organisation", "municipality", "method", "scene"]


@extend_schema_view()
class InterventionViewSet(ScopedReadOnlyViewSet):
    """Interventions the caller may see, with their targets and progress."""

    queryset = (
        Intervention.objects.select_related("organisation", "municipality")
        .defer("municipality__geometry")
        .prefetch_related(
            "methods",
            Prefetch("scenes", queryset=Scene.objects.only("pk", "ref")),
            Prefetch(
                "targets",
                queryset=Target.objects.prefetch_related(
                    Prefetch("progress_reports", queryset=TargetProgress.objects.all())
                ),
            ),
        )
        .order_by("-starts_on", "pk")
    )
    serializer_class = InterventionSerializer
    filterset_class = InterventionFilter

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["visible_scene_ids"] = set(
            scene_list(fetched_by=self.request.user).values_list("pk", flat=True)
        )
        return context
