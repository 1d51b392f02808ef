"""The coordination office's forms of the yearly round."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for a new edition"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the year has been published before."),
    )
    confirm_incomplete = forms.BooleanField(
        label=_("Publish although the round is not complete"), required=False
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 2})
    )
