"""Renderers: each turns a Report into text for one audience. They never run code."""

from __future__ import annotations

from collections.abc import Callable

from graders.render import json_report, text
from graders.results import Report

Renderer = Callable[[Report, bool], str]

RENDERERS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_report.render,
}


def points(value: float) -> str:
    return f"{value:g}"
