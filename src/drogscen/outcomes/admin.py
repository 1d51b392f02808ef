"""The coordination office's configuration of the outcomes: crime codes → categories and
the safety-survey indicators (scoped admin site; who may edit: ``outcomes.access``).
A change of the crime codes recomputes every scene's indicators."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from drogscen.core.admin import ScopedModelAdmin, admin_site
from drogscen.outcomes import recompute
from drogscen.outcomes.models import Category, CrimeCode, SurveyIndicator


class CrimeCodeForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("categories"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A code may count in several categories; a code in none counts as other."),
    )

    class Meta:
        model = CrimeCode
        fields = ["code", "name_sv", "name_en", "categories"]


def _recompute_after_commit() -> None:
    """Queued in the admin's transaction: the task exists exactly when the change does."""
    recompute.schedule_recompute(scene_ids=None, reason="crime codes")


class CrimeCodeAdmin(ScopedModelAdmin):
    form = CrimeCodeForm
    list_display = ["code", "name_sv", "name_en", "category_list"]
    search_fields = ["code", "name_sv", "name_en"]

    @admin.display(description=_("categories"))
    def category_list(self, obj):
        labels = dict(Category.choices)
        return ", ".join(str(labels.get(c, c)) for c in obj.categories)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or form.has_changed():
            _recompute_after_commit()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _recompute_after_commit()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        _recompute_after_commit()


class SurveyIndicatorAdmin(ScopedModelAdmin):
    list_display = ["code", "name_sv", "unit", "direction", "min_value", "max_value"]
    list_filter = ["unit", "direction"]
    search_fields = ["code", "name_sv", "name_en"]


admin_site.register(CrimeCode, CrimeCodeAdmin)
admin_site.register(SurveyIndicator, SurveyIndicatorAdmin)
