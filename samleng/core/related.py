"""Related links: how an app adds to another app's page without that app importing it (DESIGN.md: a page
that shows records of an app it may not import gets them through this registry, which the other app fills).

Two things may be added, both registered for a kind of record ("advocacy.issue": a model's label_lower),
usually in the providing app's `AppConfig.ready`:

- "see also" blocks: `register(kind, provider)`, where `provider(user, obj)` gives the blocks about `obj`
  that `user` may see. A block is the providing app's own partial with what it needs; the page asks
  `blocks_for(user, obj)` and shows them with the `see_also` template tag (loaded on every page).
  A block may be dated (a page that tells a story in date order places it among its own entries) and may
  be about one of the records the page lists rather than the page's object (`record`).
- fields on a form: `register_form_part(kind, factory)`, where `factory(user, parent)` gives a `FormPart`
  (or None) for a form that records a `kind` under `parent`: its fields, and what to do with their values
  once the record is saved (through the providing app's services). The page's form takes them with
  `WithParts.add_parts(kind, ...)` and hands them their values with `save_parts`.

    # engagement/apps.py
    related.register("advocacy.issue", issue_event_blocks)
    # advocacy/selectors.py
    blocks = related.blocks_for(user, issue)
    # a template
    {% see_also blocks %}
"""

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms


@dataclass(frozen=True)
class Block:
    """What another app shows on a page: its partial (`template`) rendered with `context`. `kind` names
    what it shows ("event"); `date` places it on a page told in date order; `record` is (kind, pk) of the
    record of the page it is about, when it is not about the page's own object."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    kind: str = ""
    date: dt.date | None = None
    record: tuple[str, Any] | None = None


Provider = Callable[[Any, Any], Iterable[Block]]


class FormPart(ABC):
    """Fields another app adds to a form, and what it does with their values once the page's own service
    has saved the record (`save`, through that app's services: a ValidationError keyed by these fields'
    names is shown on the form, and the page's transaction is undone)."""

    fields: Mapping[str, forms.Field] = {}

    @abstractmethod
    def save(self, *, user, record, data: Mapping[str, Any]) -> None:
        """Record the fields' values for `record`, through the providing app's services."""


FormPartFactory = Callable[[Any, Any], FormPart | None]


class WithParts:
    """For a forms.Form that other apps may add fields to: `add_parts` in __init__, then the page's service
    gets `own_data` and, in the same transaction, `save_parts` hands the parts their values."""

    parts: list[FormPart] = []

    def add_parts(self, kind: str, *, user, parent) -> list[str]:
        """Add the fields of the parts registered for `kind`; returns their names (to order the fields)."""
        self.parts = form_parts(kind, user=user, parent=parent)
        names = []
        for part in self.parts:
            self.fields.update(part.fields)
            names += part.fields
        return names

    @property
    def own_data(self) -> dict[str, Any]:
        """The cleaned data without the parts' fields: what the form's own service takes."""
        added = {name for part in self.parts for name in part.fields}
        return {name: value for name, value in self.cleaned_data.items() if name not in added}

    def save_parts(self, *, user, record) -> None:
        for part in self.parts:
            part.save(user=user, record=record, data={name: self.cleaned_data.get(name) for name in part.fields})

_blocks: dict[str, dict[str, Provider]] = {}
_form_parts: dict[str, dict[str, FormPartFactory]] = {}


def kind_of(obj) -> str:
    """The kind of a record, as the registry names it: its model's label_lower ("advocacy.issue")."""
    return obj._meta.label_lower


def _name(function) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def register(kind: str, provider: Provider) -> None:
    """Add `provider(user, obj)` to the blocks shown on the pages of `kind`. Registering the same function
    again replaces it (AppConfig.ready may run more than once)."""
    _blocks.setdefault(kind, {})[_name(provider)] = provider


def register_form_part(kind: str, factory: FormPartFactory) -> None:
    """Add `factory(user, parent)` to the forms that record a `kind` (same rule as `register`)."""
    _form_parts.setdefault(kind, {})[_name(factory)] = factory


def unregister(kind: str, function) -> None:
    """Take a provider or a form part's factory away (tests)."""
    for registry in (_blocks, _form_parts):
        registry.get(kind, {}).pop(_name(function), None)


def blocks_for(user, obj) -> list[Block]:
    """Every registered provider's blocks about `obj` for `user`, in the order the providers registered."""
    return [block for provider in _blocks.get(kind_of(obj), {}).values() for block in provider(user, obj)]


def form_parts(kind: str, *, user, parent) -> list[FormPart]:
    """The parts other apps add to a form that records a `kind` under `parent` (an issue for its updates)."""
    parts = (factory(user, parent) for factory in _form_parts.get(kind, {}).values())
    return [part for part in parts if part is not None]
