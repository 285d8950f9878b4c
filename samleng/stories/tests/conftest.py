import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from samleng.advocacy.models import Issue
from samleng.stories.models import Consent, Photo, Story, StoryLink


def jpeg_with_gps(name: str = "sar-mol.jpg") -> SimpleUploadedFile:
    """A JPEG carrying EXIF (a camera's make and a GPS tag), as a phone would send it."""
    image = Image.new("RGB", (40, 30), (30, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (12.0, 40.0, 0.0)}  # GPSInfo
    data = io.BytesIO()
    image.save(data, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/jpeg")


@pytest.fixture
def story(world, settings, tmp_path):
    """A public story of the fishery (Kampong Thom), its CBO and issue public, a photo with a public consent, a
    photo without one, and a named person who consented."""
    settings.MEDIA_ROOT = tmp_path
    world.cbo.is_public = True
    world.cbo.save()
    issue = Issue.objects.create(issue_id="ISS-1", cbo=world.cbo, title_en="Restore the canal",
                                 title_km="ស្តារប្រឡាយ", topic="water", raised_on=dt.date(2022, 3, 1), is_public=True)
    story = Story.objects.create(
        story_id="ST-1", title_en="The commune restores the canal", title_km="ឃុំស្តារប្រឡាយ",
        text_en="Sar Mol raised the canal at every commune meeting.", text_km="លោក សារ ម៉ុល បានលើកឡើង។",
        told_on=dt.date(2024, 7, 12), place=world.cbo.commune, province=world.kampong_thom, public=True)
    StoryLink.objects.create(story=story, link_type="cbo", target="CBO-KT-001", cbo=world.cbo)
    StoryLink.objects.create(story=story, link_type="issue", target="ISS-1", issue=issue)
    shown = Photo.objects.create(story=story, image=SimpleUploadedFile("lake.jpg", b"x"), caption_en="The lake")
    Consent.objects.create(story=story, photo=shown, given_by="Sar Mol", given_on=dt.date(2024, 7, 12),
                           method="written", for_public=True, for_reports=True)
    hidden = Photo.objects.create(story=story, image=SimpleUploadedFile("family.jpg", b"y"), caption_en="A family")
    Consent.objects.create(story=story, photo=hidden, given_by="Chann Dara", given_on=dt.date(2024, 7, 12),
                           method="oral_witnessed", for_public=False, note="staff only, said the mother")
    Consent.objects.create(story=story, person="Sar Mol", given_by="Sar Mol", given_on=dt.date(2024, 7, 12),
                           method="written", for_public=True, for_reports=True)
    story.issue = issue
    story.shown, story.hidden = shown, hidden
    return story
