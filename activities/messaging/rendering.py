"""Jinja2 rendering: subject, plain-text part and HTML part of one message.

Each event has one template per locale (`templates/<locale>/<event>.j2`) holding both parts as
blocks side by side, so the two never drift apart; the phrases they share with the customer pages
come from orderflow/wording. The same files are read by two environments:
the HTML one escapes every value (names and reasons come from customers and couriers), the text
one must not (a plain-text part with `&amp;` in it is wrong too).
"""

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from orderflow.wording import PHRASES, localtime

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(facts: dict[str, Any]) -> Rendered:
    locale, event = facts["locale"], facts["event"]
    # One line, whatever a name contains: a line break in a header would be refused (or worse).
    subject = " ".join(_environment(html=False).get_template(f"{locale}/subject.j2").render(facts).split())
    event_template = f"{locale}/{event}.j2"
    text = _environment(html=False).get_template(event_template).render(facts, subject=subject)
    html = _environment(html=True).get_template(event_template).render(facts, subject=subject)
    return Rendered(subject=subject, text=_tidy_text(text), html=html)


@cache
def _environment(html: bool) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(TEMPLATES), FileSystemLoader(PHRASES)]),
        autoescape=html,
        # A name a template misspells fails the tests instead of vanishing from a customer's mail.
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["layout"] = "layout.html.j2" if html else "layout.txt.j2"
    env.filters.update(day=_local(localtime.day), clock=_local(localtime.clock), when=_local(localtime.when))
    return env


def _local(format_moment: Any) -> Any:
    """A filter formatting a datetime in the message's locale and time zone."""

    @pass_context
    def local_filter(context: Context, moment: datetime) -> str:
        return format_moment(moment, context["locale"], context["tz"])

    return local_filter


def _tidy_text(text: str) -> str:
    # Conditional paragraphs leave runs of blank lines behind; mail clients show them all.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
