"""The coordination office's window and deadline settings: only dates that exist."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from drogscen.mappings import services
from drogscen.mappings.models import MappingSettings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"window_end_month": 2, "window_end_day": 30}, "window_end_day"),
        ({"window_end_month": 2, "window_end_day": 29}, "window_end_day"),  # not every year
        ({"window_end_month": 4, "window_end_day": 31}, "window_end_day"),
        ({"deadline_month": 13}, "deadline_month"),
        ({"deadline_month": 0}, "deadline_month"),
        ({"deadline_day": 32}, "deadline_day"),
        ({"deadline_month": 6, "deadline_day": 31}, "deadline_day"),
    ],
)
def test_impossible_months_and_days_are_refused(values, field):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        MappingSettings(**values).full_clean()
    assert field in error.value.message_dict


def test_the_day_message_says_why():
    with translation.override("en"), pytest.raises(ValidationError) as error:
        MappingSettings(window_end_month=2, window_end_day=30).full_clean()
    assert error.value.message_dict["window_end_day"] == [
        "Month 2 has no day 30 (in a year that is not a leap year)."
    ]


def test_the_database_refuses_a_month_out_of_range():
    with pytest.raises(IntegrityError), transaction.atomic():
        MappingSettings.objects.create(deadline_month=13)


def test_valid_settings_move_the_window_and_the_deadline():
    settings = MappingSettings(
        window_end_month=2, window_end_day=28, deadline_month=4, deadline_day=30
    )
    settings.full_clean()
    settings.save()
    assert services.mapping_window(2024) == (date(2024, 1, 1), date(2025, 2, 28))
    assert services.mapping_deadline(2024) == date(2025, 4, 30)


def test_the_admin_form_refuses_an_impossible_date(client, make_user):
    client.force_login(make_user("samordningskansliet", "manager"))
    response = client.post(
        "/admin/mappings/mappingsettings/add/",
        {"window_end_month": 2, "window_end_day": 30, "deadline_month": 3, "deadline_day": 31},
    )
    assert response.status_code == 200  # the form again, with the problem
    assert not MappingSettings.objects.exists()
