"""Joint plans written on the staff pages' services: the rules said in the reader's language (an action due
before its plan was endorsed refused, in Khmer too), updates that count at once for staff and wait for
confirmation from an authority's user, evidence stripped of its metadata, and what is late."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from samleng.conftest import make_user
from samleng.places.models import Place
from samleng.places.services import office_of_place
from samleng.plans import selectors
from samleng.plans.models import JointPlan, Recommendation
from samleng.plans.services import action_create, action_update_confirm, action_update_post

D = dt.date


@pytest.fixture
def plan(world):
    office = office_of_place(user=None, place=Place.objects.get(code="0606"))
    plan = JointPlan.objects.create(joint_plan_id="JP-1", title_en="Joint recommendations", origin="forum",
                                    authority=office, province=world.kampong_thom, endorsed_on=D(2022, 1, 10))
    Recommendation.objects.create(plan=plan, number=1, text_en="Publish the budget")
    return plan


def _new_action(world, plan, **changes):
    values = dict(user=world.me_officer, plan=plan, action_id="A-1", what_en="Post the budget",
                  responsible_type="office", responsible_office=plan.authority, due_on=D(2022, 6, 30),
                  recommendation=plan.recommendations.get())
    values.update(changes)
    return action_create(**values)


@pytest.mark.django_db
def test_an_action_due_before_its_plan_was_endorsed_is_refused_in_the_readers_language(world, plan):
    with pytest.raises(ValidationError) as refused:
        _new_action(world, plan, due_on=D(2022, 1, 9))
    assert "before its plan was endorsed on 2022-01-10" in refused.value.message_dict["due_on"][0]
    with translation.override("km"), pytest.raises(ValidationError) as in_khmer:
        _new_action(world, plan, due_on=D(2022, 1, 9), what_en="", responsible_office=None)
    assert "មុនពេលផែនការរបស់វាត្រូវបានអនុម័ត" in in_khmer.value.message_dict["due_on"][0]
    assert "ភាសាខ្មែរ" in in_khmer.value.message_dict["what_en"][0]
    assert "អ្នកទទួលខុសត្រូវ" in in_khmer.value.message_dict["responsible_type"][0]
    assert not plan.actions.exists()


@pytest.mark.django_db
def test_staff_updates_count_at_once_and_an_authoritys_wait_for_confirmation(world, plan):
    action = _new_action(world, plan)
    authority = make_user("district", "authority", office=plan.authority)
    posted = action_update_post(user=authority, action=action, date=D(2022, 3, 1), status="done")
    action.refresh_from_db()
    assert not posted.confirmed and action.status == "planned"
    assert selectors.is_late(action, D(2022, 7, 1))
    action_update_confirm(user=world.me_officer, update=posted)
    action.refresh_from_db()
    assert (action.status, action.done_on) == ("done", D(2022, 3, 1))
    assert not selectors.is_late(action, D(2022, 7, 1))
    progress = selectors.plan_progress(plan, D(2022, 7, 1))
    assert (progress.total, progress.done, progress.late) == (1, 1, 0)


@pytest.mark.django_db
def test_updates_before_the_plan_in_the_future_or_twice_a_day_are_refused(world, plan):
    action = _new_action(world, plan)
    for day in (D(2022, 1, 1), D(2999, 1, 1)):
        with pytest.raises(ValidationError):
            action_update_post(user=world.me_officer, action=action, date=day, status="in_progress")
    action_update_post(user=world.me_officer, action=action, date=D(2022, 2, 1), status="in_progress")
    with pytest.raises(ValidationError) as twice:
        action_update_post(user=world.me_officer, action=action, date=D(2022, 2, 1), status="done")
    assert "already has an update on 2022-02-01" in twice.value.message_dict["date"][0]
    action.refresh_from_db()
    assert action.status == "in_progress" and action.updates.count() == 1


@pytest.mark.django_db
def test_evidence_photos_lose_their_metadata(world, plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    action = _new_action(world, plan)
    image = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # the camera's maker: metadata that must not be kept
    data = io.BytesIO()
    image.save(data, "JPEG", exif=exif)
    assert b"PhoneMaker" in data.getvalue()
    upload = SimpleUploadedFile("board.jpg", data.getvalue(), content_type="image/jpeg")
    update = action_update_post(user=world.me_officer, action=action, date=D(2022, 3, 1), status="done",
                                evidence_file=upload)
    stored = update.evidence_file.read()
    assert stored and b"PhoneMaker" not in stored
