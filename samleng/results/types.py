"""The shapes results passes around: what a computation returns, what the pages, the command, the API and
the reports read. Plain dataclasses so that each side can be built and tested apart."""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Group:
    """One group of a disaggregation (women, youth, Kampong Thom, community fishery...)."""

    key: str  # "female", "youth", "06", "community_fishery"
    label_en: str
    label_km: str
    numerator: int
    denominator: int | None  # None for a count indicator
    value: Decimal | None  # a share in percent (0-100) for a percent indicator, the count for a count one


@dataclass
class Computed:
    """What a computation of the catalogue (results.computations) returns for one indicator and period.
    `value` is None when there is no data (an empty denominator): "no data", never 0%."""

    value: Decimal | None
    numerator: int | None
    denominator: int | None
    breakdown: dict[str, int] = field(default_factory=dict)  # {"solved": 9, "partly_solved": 30}
    # dimension -> groups: {"sex": [...], "youth": [...], "province": [...], "any_underrepresented": [...]}
    disaggregation: dict[str, list[Group]] = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)  # as used: the defaults filled in
    # The records behind the figure: the model label ("advocacy.issue") and primary keys of those in the
    # numerator and of all those in the denominator (the numerator's included).
    kind: str = ""
    numerator_pks: list[int] = field(default_factory=list)
    denominator_pks: list[int] = field(default_factory=list)
    version: int = 1


@dataclass
class Progress:
    """Where a figure stands between baseline and target, aware of the direction."""

    share_of_way: Decimal | None  # 0-100: how far from the baseline to the target; None without both
    on_track: bool | None  # None when it cannot be said
    rule_en: str  # the rule for "on track", in words
    rule_km: str


@dataclass
class Cell:
    """One indicator in one period, as every page, report, the command and the API show it."""

    period: int
    value: Decimal | None
    numerator: int | None
    denominator: int | None
    breakdown: dict[str, int]
    disaggregation: dict[str, list[Group]]
    source: str  # "computed", "manual" or "" (nothing yet)
    snapshot_id: int | None
    computed_at: str | None  # ISO time
    reported_value: Decimal | None
    reported_decimals: int
    differs: bool  # a reported value that differs from this one after rounding to the reported precision
    no_data: bool  # value is None


@dataclass
class Row:
    """One indicator of a programme with its values over the periods asked for."""

    indicator_id: int
    code: str
    outcome_code: str
    statement_en: str
    statement_km: str
    unit: str  # "percent" or "count"
    direction: str
    baseline: Decimal | None
    baseline_year: int | None
    target: Decimal | None
    target_year: int | None
    computation: str
    cells: list[Cell]
    progress: Progress | None  # against the latest period with a value


@dataclass
class Difference:
    """A reported figure that differs from the computed one, or a report that contradicts itself."""

    indicator_code: str
    period: int
    kind: str  # "reported_vs_computed", "parts_vs_whole", "share_vs_fraction", "cumulative_falls"
    message_en: str
    message_km: str
    reported: Decimal | None
    computed: Decimal | None
    snapshot_id: int | None  # the records behind the computed figure


@dataclass
class DrillRecord:
    """One record behind a figure, as a drill-down lists it."""

    pk: int
    label: str  # "ISS-0042 Canal restoration"; a representative's name only for those allowed, else person id
    url: str | None  # its page, when it has one
    detail: str  # the status at the period's end, a person's groups, a district's mechanisms...


@dataclass
class Drilldown:
    """A page of the records behind one part of a snapshot: those in the numerator ("numerator") or those
    in the denominator but not the numerator ("not_counted")."""

    kind: str  # "advocacy.issue", "cbos.representative", "places.place", ...
    part: str  # "numerator" or "not_counted"
    total: int  # the records in this part, seen or not
    hidden: int  # of those, how many the user may not see (counted, never shown)
    page: int
    pages: int
    per_page: int
    records: list[DrillRecord] = field(default_factory=list)
    snapshot_id: int | None = None
    period: int | None = None

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


#: The content of a report (results.selectors.report_content; frozen in Report.content when issued), a
#: JSON-ready dict that every report format (Word, PDF, Excel, IATI) is written from, so that an issued
#: report comes out the same whatever changes later. Numbers are strings ("78.0000") or None; dates ISO.
REPORT_CONTENT_EXAMPLE = {
    "programme": {"code": "N-KHM-2022-0265", "name": "Citizens' Voices and Actions...", "donors": "BfdW; DCA",
                  "start": "2023-01-01", "end": "2025-12-31"},
    "period": 2024,  # the year reported on; "years" lists every year shown (the programme's up to it)
    "years": [2023, 2024],
    "version": 1, "status": "draft", "issued_at": None, "issued_by": "",
    "generated_at": "2026-11-23T04:00:00+00:00",
    # Outcomes and outputs, sorted by code: "kind" is "outcome" or "output" ("outcome" when a content frozen
    # before outputs existed has none); "parent" is an output's outcome code, or "".
    "outcomes": [{
        "code": "1", "kind": "outcome", "parent": "", "statement_en": "The engagement of citizens...",
        "statement_km": "...",
        "indicators": [{
            "code": "1.1", "statement_en": "...", "statement_km": "...", "unit": "percent", "direction": "up",
            "baseline": "14", "baseline_year": 2022, "baseline_numerator": None, "baseline_denominator": None,
            "target": "70", "target_year": 2025, "means_of_verification": "...", "computation":
            "main_issues_solved_share", "parameters": {"count_partly": True},
            "values": [{
                "period": 2024, "value": "78.0000", "numerator": 39, "denominator": 50, "source": "computed",
                "breakdown": {"solved": 9, "partly_solved": 30},
                "disaggregation": {"province": [{"key": "06", "label_en": "Kampong Thom", "label_km": "កំពង់ធំ",
                                                 "numerator": 8, "denominator": 10, "value": "80.0000"}]},
                "reported_value": "78", "differs": False,
            }],
            "narrative_en": "...", "narrative_km": "...", "narrative_version": 3,
            "progress": {"share_of_way": "freshly computed 0-100 or None", "on_track": True, "rule_en": "...",
                         "rule_km": "..."},
        }],
    }],
    "differences": [{"indicator_code": "2.2", "period": 2023, "kind": "share_vs_fraction", "message_en": "...",
                     "message_km": "...", "reported": "45", "computed": "39.7590", "snapshot_id": 12}],
    # The annex: stories chosen for the report (stories.selectors.report_stories); absent from content frozen before.
    "stories": [{"story_id": "ST-KT-2024-1", "title_en": "...", "title_km": "...", "text_en": "...", "text_km": "...",
                 "told_on": "2024-07-12", "place_en": "Klaeng", "place_km": "ក្លែង",
                 "cbos": [{"name_en": "Boeung Chang Boeung Prang Community Fishery", "name_km": "..."}],
                 # Photos consented to donor reports: printed only if still consented when the file is written.
                 "photos": [{"pk": 7, "caption_en": "...", "caption_km": "..."}]}],
    # The table of effects: resources CBOs received in the period (results.selectors.report_effects); absent from
    # content frozen before. cbo_en/cbo_km: a public CBO's names; a private CBO's are never there, but "a
    # community-based organisation" in each language (a donor report leaves the organisation).
    "effects": [{"resource_id": "RS-PS-007-1", "date": "2024-01-10", "cbo_en": "Chamboak Phaem Community Forestry",
                 "cbo_km": "...", "kind_en": "in kind", "kind_km": "...", "source_en": "authority: Krakor district "
                 "administration", "source_km": "...", "what_en": "Gasoline for the monthly forest patrols",
                 "what_km": "...", "received_en": "3,600 litres", "received_km": "...", "monthly": True, "months": 12}],
}
