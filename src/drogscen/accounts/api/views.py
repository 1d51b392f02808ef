from django_filters import rest_framework as filters

from drogscen.accounts.api.serializers import OrganisationSerializer
from drogscen.accounts.models import Organisation
from drogscen.core.api import ScopedReadOnlyViewSet


class OrganisationFilter(filters.FilterSet):
    class Meta:
        model = Organisation
        fields = ["kind"]


class OrganisationViewSet(ScopedReadOnlyViewSet):
    """The organisations taking part (municipalities, local police areas, county actors)."""

    queryset = Organisation.objects.select_related("municipality", "local_police_area")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
