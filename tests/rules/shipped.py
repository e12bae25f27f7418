"""The province's files as shipped, read as JSON: the rules tests parse them afresh in each
test, so no cache hides a planted bug from them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def workflow_json() -> dict[str, Any]:
    return json.loads((RESOURCES / "workflows" / "abnormal-list.v2.json")
                      .read_text(encoding="utf-8"))


def checklist_json() -> dict[str, Any]:
    return json.loads((RESOURCES / "checklists" / "jzsc-zfjcb-2023.v1.json")
                      .read_text(encoding="utf-8"))
