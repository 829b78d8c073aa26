"""Renderers: each turns a Report into text for one audience. They never run code."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping

from graders.results import Report

Renderer = Callable[[Report, bool], str]


class _Renderers(Mapping[str, Renderer]):
    """Each format's `render`, its module imported when it is first asked for: grading for the
    terminal does not import the XML and CI renderers (about 10 ms before the first check)."""

    _MODULES = {"text": "text", "json": "json_report", "junit": "junit",
                "gradescope": "gradescope", "github": "github"}

    def __getitem__(self, fmt: str) -> Renderer:
        render: Renderer = importlib.import_module(f"graders.render.{self._MODULES[fmt]}").render
        return render

    def __iter__(self) -> Iterator[str]:
        return iter(self._MODULES)

    def __len__(self) -> int:
        return len(self._MODULES)


RENDERERS: Mapping[str, Renderer] = _Renderers()
