"""Small pieces of SQL text the read models share."""

from __future__ import annotations

from collections.abc import Sequence


def in_list(prefix: str, values: Sequence[object]) -> tuple[str, dict[str, object]]:
    """Placeholders for `IN (...)` and their parameters: (':d0, :d1', {'d0': .., 'd1': ..})."""
    names = [f"{prefix}{n}" for n in range(len(values))]
    return ", ".join(":" + n for n in names), dict(zip(names, values, strict=True))
