"""JSON for other tools: {score, max_score, exercises: [{number, slug, title, ..., checks}]}."""

from __future__ import annotations

import json

from graders.results import Report


def render(report: Report, color: bool = False) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
