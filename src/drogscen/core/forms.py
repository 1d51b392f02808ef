"""Form helpers shared by the pages."""

from django.core.exceptions import ValidationError


def errors_to_form(error: ValidationError, form, *more_forms) -> None:
    """A service's ValidationError shown on the page: each problem next to the field it
    names, on whichever of the forms has that field; above the first form otherwise."""
    forms = (form, *more_forms)
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        holder = next((f for f in forms if field in f.fields), None)
        (holder or form).add_error(field if holder else None, problems)
