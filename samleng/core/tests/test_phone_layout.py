"""What keeps the pages short on a phone, without a script: the staff menu's "More" (a <details> holding the
staff links, shown instead of them on a narrow screen), and the public issue list's filters folded."""

import re

import pytest
from django.urls import reverse

from samleng.conftest import anonymous, login_en

pytestmark = pytest.mark.django_db


def more_menu(html: str) -> str:
    found = re.search(r'<details class="more-menu">(.*?)</details>', html, re.S)
    return found.group(1) if found else ""


def test_staff_pages_are_folded_into_more_and_shown_in_line_too(world):
    html = login_en(world.me_officer).get(reverse("cbos:list")).content.decode()
    menu = more_menu(html)
    for name in ("CBOs", "Advocacy issues", "Events", "Results", "Import"):
        assert f">{name}</a>" in menu, name
        assert f">{name}</a>" in html.split('<details class="more-menu">')[0], name  # the wide screen's line
    assert "<script" not in html


def test_a_representative_s_more_menu_holds_only_their_pages(world):
    menu = more_menu(login_en(world.cbo_user).get(reverse("cbos:list")).content.decode())
    assert ">CBOs</a>" in menu and ">Results</a>" not in menu and ">Import</a>" not in menu


def test_the_publics_more_menu_holds_the_monitors_only(world):
    """On a phone the public monitors fold into "More" (with them the Khmer menu was 445 px wide); the issues,
    budgets and offices stay in sight."""
    html = anonymous().get("/").content.decode()
    more = html[html.index('class="more-menu"'):]
    more = more[:more.index("</details>")]
    assert "/concessions/" in more and "/procurement/" in more and "/issues/" not in more


def test_the_public_issue_list_opens_on_the_issues_with_the_filters_folded(world):
    url = reverse("advocacy:public_list")
    html = anonymous().get(url).content.decode()
    assert '<details class="filters-fold">' in html  # closed
    folded = html.index('class="filters-fold"')
    assert folded < html.index('<form class="filters"') < html.index("</details>", folded)
    filtered = anonymous().get(url + "?topic=fishery").content.decode()
    assert '<details class="filters-fold" open>' in filtered  # the filters in use stay in view
