"""`manage.py ensure_local_admin`: the admin / admin user and the test / test access key of a local setup."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command


@pytest.mark.django_db
def test_creates_the_admin_superuser_with_the_documented_password_and_access_key(settings):
    settings.DEBUG = True
    call_command("ensure_local_admin")

    user = authenticate(username="admin", password="admin")
    assert user is not None and user.is_superuser and user.is_staff
    assert user.access_keys.get(access_key_id="test").secret == "test"


@pytest.mark.django_db
def test_running_twice_keeps_a_changed_password(settings):
    settings.DEBUG = True
    call_command("ensure_local_admin")
    user = get_user_model().objects.get(username="admin")
    user.set_password("changed-on-purpose")
    user.save()

    call_command("ensure_local_admin")

    assert get_user_model().objects.filter(username="admin").count() == 1
    assert authenticate(username="admin", password="changed-on-purpose") is not None


@pytest.mark.django_db
def test_does_nothing_when_debug_is_off(settings):
    settings.DEBUG = False
    call_command("ensure_local_admin")

    assert not get_user_model().objects.filter(username="admin").exists()
