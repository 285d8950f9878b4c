"""The donor report's annex: the stories staff chose for it (told in the report's year, everyone they name
consenting to donor reports), in Word and PDF, in English and in Khmer (results reads them through
stories.selectors.report_stories)."""

import datetime as dt
import io

import pytest
from docx import Document

from samleng.core.khmer import segment
from samleng.core.tests.pdf_text import pdf_text, share_found
from samleng.results.reports import render
from samleng.results.tests.test_reports import content
from samleng.stories.models import Consent, Story, StoryLink
from samleng.stories.selectors import report_stories

KHMER_TEXT = "សហគមន៍បានស្នើសុំឱ្យឃុំស្តារប្រឡាយ ហើយឃុំបានដាក់វាក្នុងផែនការវិនិយោគបីឆ្នាំរំកិល។"


@pytest.fixture
def chosen(world):
    world.cbo.is_public = True  # a private CBO is not named in the annex (test below)
    world.cbo.save()
    story = Story.objects.create(
        story_id="ST-1", title_en="The commune restores the canal", title_km="ឃុំស្តារប្រឡាយ",
        text_en="The community asked the commune to restore the canal.\n\nThe commune put it in its plan.",
        text_km=KHMER_TEXT, told_on=dt.date(2024, 7, 12), place=world.cbo.commune, province=world.kampong_thom,
        in_report=True)
    StoryLink.objects.create(story=story, link_type="cbo", target="CBO-KT-001", cbo=world.cbo)
    Consent.objects.create(story=story, person="Sar Mol", given_by="Sar Mol", given_on=dt.date(2024, 7, 12),
                           method="written", for_reports=True)
    return story


@pytest.mark.django_db
def test_the_annex_holds_the_chosen_stories_of_the_year_whose_people_consented(chosen, world):
    [story] = report_stories(2024)
    assert story["title_km"] == "ឃុំស្តារប្រឡាយ" and story["cbos"][0]["name_en"].startswith("Boeung Chang")
    assert "Sar Mol" not in str(story)  # no consent, no person in the content
    assert report_stories(2023) == []
    Story.objects.create(story_id="ST-2", title_en="Not chosen", text_en="x", told_on=dt.date(2024, 1, 1))
    assert [s["story_id"] for s in report_stories(2024)] == ["ST-1"]
    Consent.objects.filter(story=chosen).update(for_reports=False)  # Sar Mol agreed to no report
    assert report_stories(2024) == []


@pytest.mark.django_db
def test_word_and_pdf_reports_carry_the_annex_in_both_languages(chosen):
    report = content(stories=report_stories(2024))
    english = Document(io.BytesIO(render(report, "docx", "en")[0]))
    text = "\n".join(p.text for p in english.paragraphs)
    assert "Annex: stories of change" in text and "The commune restores the canal" in text
    assert "The commune put it in its plan." in text and "Boeung Chang Boeung Prang Community Fishery" in text
    khmer = Document(io.BytesIO(render(report, "docx", "km")[0]))
    assert KHMER_TEXT in "\n".join(p.text for p in khmer.paragraphs)
    assert "The commune restores the canal" in pdf_text(render(report, "pdf", "en")[0])
    khmer_pdf = pdf_text(render(report, "pdf", "km")[0])
    share, missing = share_found([w for w in segment(KHMER_TEXT) if w.strip()], khmer_pdf)
    assert share >= 0.95, missing


@pytest.mark.django_db
def test_the_annex_names_the_public_cbos_of_a_story_not_its_private_ones(chosen, world):
    # world.cbo is public (chosen); world.other_cbo is private, as every CBO is by default. A donor report leaves
    # the organisation: like a public page, it leaves the private CBO unnamed, in either language.
    assert not world.other_cbo.is_public
    StoryLink.objects.create(story=chosen, link_type="cbo", target="CBO-KR-001", cbo=world.other_cbo)
    [story] = report_stories(2024)
    assert [cbo["name_en"] for cbo in story["cbos"]] == ["Boeung Chang Boeung Prang Community Fishery"]
    report = content(stories=report_stories(2024))
    for language, shown, kept in (("en", world.cbo.name_en, world.other_cbo.name_en),
                                  ("km", world.cbo.name_km, world.other_cbo.name_km)):
        text = "\n".join(p.text for p in Document(io.BytesIO(render(report, "docx", language)[0])).paragraphs)
        assert shown in text and kept not in text and world.other_cbo.name_en not in text, language
        assert kept not in pdf_text(render(report, "pdf", language)[0]), language


def test_a_report_frozen_before_stories_existed_has_no_annex():
    text = "\n".join(p.text for p in Document(io.BytesIO(render(content(), "docx", "en")[0])).paragraphs)
    assert "Annex: stories of change" not in text


@pytest.mark.django_db
def test_a_photo_consented_to_reports_is_printed_until_its_consent_is_withdrawn(chosen, settings, tmp_path):
    from samleng.stories.models import Photo
    from samleng.stories.tests.conftest import jpeg_with_gps

    settings.MEDIA_ROOT = tmp_path
    printed = Photo.objects.create(story=chosen, image=jpeg_with_gps("lake.jpg"), caption_en="The restored canal")
    consent = Consent.objects.create(story=chosen, photo=printed, given_by="Sar Mol", given_on=dt.date(2024, 7, 12),
                                     method="written", for_reports=True)
    kept_out = Photo.objects.create(story=chosen, image=jpeg_with_gps("family.jpg"), caption_en="A family")
    Consent.objects.create(story=chosen, photo=kept_out, given_by="Chann Dara", given_on=dt.date(2024, 7, 12),
                           method="written", for_public=True)  # public pages, not reports
    report = content(stories=report_stories(2024))  # frozen as an issued report would be
    assert [p["caption_en"] for p in report["stories"][0]["photos"]] == ["The restored canal"]
    word = Document(io.BytesIO(render(report, "docx", "km")[0]))
    assert len(word.inline_shapes) == 1 and "The restored canal" in "\n".join(p.text for p in word.paragraphs)
    assert b"/Subtype /Image" in render(report, "pdf", "en")[0]
    consent.withdrawn_on = dt.date(2024, 9, 1)
    consent.save()
    again = Document(io.BytesIO(render(report, "docx", "en")[0]))  # the same frozen content, written again
    assert len(again.inline_shapes) == 0 and "The restored canal" not in "\n".join(p.text for p in again.paragraphs)
