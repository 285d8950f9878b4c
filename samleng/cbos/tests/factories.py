"""Records for the CBO tests, on top of the test world of samleng/conftest.py."""

import datetime as dt
import itertools

from samleng.cbos.models import CBO, Representative
from samleng.cbos.services import cbo_search_text
from samleng.conftest import place

_numbers = itertools.count()


def make_cbos(count: int, *, province_code: str = "06", district_code: str = "0606", **values) -> list[CBO]:
    """`count` CBOs in one INSERT (list and query-count tests need many)."""
    province, district = place(province_code), place(district_code)
    cbos = []
    for n in range(count):
        cbo = CBO(cbo_id=f"CBO-T-{next(_numbers):05d}", name_en=f"Test Community {n:04d}",
                  name_km="សហគមន៍សាកល្បង", type=CBO.Type.AGRICULTURAL_COMMUNITY, province=province,
                  district=district, members_total=10 + n, members_female=5, joined_on=dt.date(2023, 1, 1),
                  **values)
        cbo.search_text = cbo_search_text(cbo)
        cbos.append(cbo)
    return CBO.objects.bulk_create(cbos)


def make_representatives(cbo: CBO, count: int) -> list[Representative]:
    return Representative.objects.bulk_create([
        Representative(person_id=f"P-T-{cbo.pk}-{n:04d}", cbo=cbo, full_name=f"Person Number{n:04d}",
                       sex=Representative.Sex.FEMALE if n % 2 else Representative.Sex.MALE, birth_year=1980 + n % 20,
                       phone=f"0977{n:05d}", telegram=f"@tester{n:04d}")
        for n in range(count)
    ])
