from rest_framework import serializers

from drogscen.interventions.models import Intervention, Method, Target


class MethodSerializer(serializers.ModelSerializer):
    class Meta:
        model = Method
        fields = [
            "code",
            "name_sv",
            "name_en",
            "family",
            "actor_kinds",
            "description_sv",
            "description_en",
            "evidence",
            "practical_notes",
        ]


class TargetSerializer(serializers.ModelSerializer):
    done = serializers.SerializerMethodField()
    share_done = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = [
            "id",
            "description",
            "unit",
            "planned_quantity",
            "period_start",
            "period_end",
            "done",
            "share_done",
        ]

    def get_done(self, target) -> int:
        return target.progress.done

    def get_share_done(self, target) -> float | None:
        share = target.progress.share
        return float(share) if share is not None else None


class InterventionSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code")
    municipality = serializers.CharField(source="municipality.code", default=None, allow_null=True)
    methods = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    scenes = serializers.SerializerMethodField()
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Intervention
        fields = [
            "id",
            "organisation",
            "ref",
            "title",
            "description",
            "methods",
            "scenes",
            "municipality",
            "target_groups",
            "starts_on",
            "ends_on",
            "status",
            "resources_hours",
            "resources_sek",
            "targets",
            "version",
        ]

    def get_scenes(self, intervention) -> list[str]:
        # Only the scenes the caller may see are named.
        visible = self.context.get("visible_scene_ids")
        return [s.ref for s in intervention.scenes.all() if visible is None or s.pk in visible]
