from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from drogscen.core.admin import ScopedModelAdmin, admin_site
from drogscen.questionnaires.definition import DefinitionError, load_definition
from drogscen.questionnaires.models import QuestionnaireVersion
from drogscen.questionnaires.services import questionnaire_publish, questionnaire_save_draft


@admin.action(description=_("Publish the selected versions (they can no longer change)"))
def publish(modeladmin, request, queryset):
    for version in queryset:
        try:
            questionnaire_publish(version=version)
        except ValidationError as error:
            modeladmin.message_user(request, "; ".join(error.messages), messages.ERROR)


class QuestionnaireVersionForm(forms.ModelForm):
    class Meta:
        model = QuestionnaireVersion
        fields = ["definition"]

    def clean_definition(self):
        definition = self.cleaned_data["definition"]
        try:
            load_definition(definition)
        except DefinitionError as exc:
            raise forms.ValidationError(exc.problems) from exc
        return definition


class QuestionnaireVersionAdmin(ScopedModelAdmin):
    """The coordination office drafts a version as JSON (see the README) and publishes
    it for a coming year; a published version is read-only."""

    list_display = ["version", "title", "valid_from_year", "published_at"]
    fields = ["definition", "version", "title", "valid_from_year", "published_at"]
    readonly_fields = ["version", "title", "valid_from_year", "published_at"]
    actions = [publish]
    form = QuestionnaireVersionForm

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (
            obj is not None and not obj.is_published and super().has_delete_permission(request, obj)
        )

    def save_model(self, request, obj, form, change):
        saved = questionnaire_save_draft(
            definition=form.cleaned_data["definition"], version=obj if change else None
        )
        obj.pk = saved.pk


admin_site.register(QuestionnaireVersion, QuestionnaireVersionAdmin)
