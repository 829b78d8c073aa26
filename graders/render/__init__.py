"""Renderers: each turns a Report into text for one audience. They never run code."""

from __future__ import annotations

from collections.abc import Callable

from graders.render import github, gradescope, json_report, junit, text
from graders.results import Report

Renderer = Callable[[Report, bool], str]

RENDERERS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_report.render,
    "junit": junit.render,
    "gradescope": gradescope.render,
    "github": github.render,
}

