import pytest
from django.core import mail

from programmes.models import Notification
from programmes.services import notification_send
from programmes.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_each_person_gets_one_notification_and_one_email():
    alice, bob = PersonFactory(display_name="Alice Ames"), PersonFactory()
    notification_send(people=[alice, bob, alice], text="You were approved", url="/x/", email_subject="Approved")
    assert Notification.objects.filter(person=alice).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])
    assert "Hello Alice" in next(m.body for m in mail.outbox if m.to == [alice.email])


def test_inactive_people_are_not_notified():
    gone = PersonFactory(is_active=False)
    notification_send(people=[gone], text="x", email_subject="x")
    assert not Notification.objects.exists() and mail.outbox == []


@pytest.mark.parametrize("count", [3, 30])
def test_many_notices_take_one_insert_and_reach_everyone(count, django_assert_num_queries):
    from programmes.services.notifications import Notice, notices_send

    people = [PersonFactory() for _ in range(count)]
    with django_assert_num_queries(1):  # one bulk insert, whatever the number of people
        notices_send([Notice(p, f"News for {p.display_name}", "/x/", "News") for p in people])
    assert Notification.objects.count() == count
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
