"""Print the command catalogue as the table docs/sync-protocol.md carries, or write it there.

    python scripts/catalogue_table.py           # print
    python scripts/catalogue_table.py --write   # replace the table between its markers
"""

from __future__ import annotations

import sys
from pathlib import Path

from jjg_desktop.rules.record_names import COMMAND_NAMES, ENTITY_NAMES
from jjg_desktop.sync.catalogue import markdown_table

DOC = Path(__file__).resolve().parent.parent / "docs" / "sync-protocol.md"
BEGIN, END = "<!-- catalogue:begin -->", "<!-- catalogue:end -->"


def table() -> str:
    return markdown_table(COMMAND_NAMES, ENTITY_NAMES)


def documented(text: str) -> str:
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()


def main() -> int:
    if "--write" not in sys.argv:
        print(table())
        return 0
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    DOC.write_text(f"{head}{BEGIN}\n{table()}\n{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
