from rest_framework import serializers

from drogscen.accounts.models import Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    municipality_code = serializers.CharField(
        source="municipality.code", read_only=True, default=None, allow_null=True
    )
    local_police_area = serializers.CharField(
        source="local_police_area.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Organisation
        fields = ["code", "name", "kind", "municipality_code", "local_police_area"]
