"""Password rules: 12 characters at least, not common, not a common password in disguise."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.passwords import BreachedStylePasswordValidator, password_cores
from programmes.tests.factories import PASSWORD


@pytest.mark.parametrize(
    "password",
    ["P@ssw0rd2024!", "$ecret123456", "Summer2024!!", "monkey12345678", "!!Dragon1234", "iloveyou2026", "Qwerty123456"],
)
def test_common_passwords_in_disguise_are_refused(password):
    with pytest.raises(ValidationError) as caught:
        BreachedStylePasswordValidator().validate(password)
    assert "common password" in caught.value.messages[0]


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["correct-horse-battery", "7Tq$w9!xL2zPq", "kettle orbit lantern", "Tr0ub4dor&3x"])
def test_unusual_passwords_pass(password, login, client, mentee):
    assert BreachedStylePasswordValidator().validate(password) is None  # no objection
    # What the person sees: the change goes through, and the new password logs them in.
    login(mentee)
    data = {"old_password": PASSWORD, "new_password1": password, "new_password2": password}
    response = client.post(reverse("password_change"), data)
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    client.logout()
    assert client.login(username=mentee.email, password=password)


def test_cores_undo_leetspeak_and_trim_numbers_and_symbols():
    assert "password" in password_cores("P@ssw0rd2024!")
    assert "secret" in password_cores("$ecret123")


@pytest.mark.django_db
def test_the_installed_rules_need_twelve_characters_and_refuse_common_ones():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Xq7!vR2#pL9")  # 11 characters, otherwise fine
    with pytest.raises(ValidationError):
        validate_password("password")
    with pytest.raises(ValidationError, match="common password with a few letters swapped"):
        validate_password("Sunshine2024!!")
    validate_password("kettle orbit lantern")


@pytest.mark.django_db
def test_changing_to_a_disguised_common_password_is_refused_with_a_message(login, mentee):
    client = login(mentee)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "P@ssw0rd2024!", "new_password2": "P@ssw0rd2024!"},
    )
    assert response.status_code == 200
    assert "common password with a few letters swapped" in response.content.decode()
    mentee.refresh_from_db()
    assert mentee.check_password(PASSWORD)
