"""Full-text search over enterprises and projects with SQLite FTS5.

Chinese has no spaces, so names are indexed one character per token and a query is a
phrase of its characters: any substring of any length matches, from a single character
on, without scanning the table. Phone numbers are indexed as their suffixes, so a prefix
query on those tokens finds any run of digits. Credit codes and project codes are matched
by prefix on their unique B-tree index.

The index tables are external-content FTS5 tables kept current by triggers (see the
migration that creates them); the triggers call the SQL functions registered here on every
connection the application opens.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from jjg_desktop.store.read.raw import Reader, rows, value

MIN_SUFFIX = 3
INDEXES = ("enterprise_search", "project_search")
_NON_TOKEN = re.compile(r"[\W_]+", re.UNICODE)
_CODE_CHARS = re.compile(r"^[0-9A-Za-z]+$")


def char_tokens(value: str | None) -> str:
    """'吉林 建工(集团)' -> '吉 林 建 工 集 团'."""
    if not value:
        return ""
    return " ".join(_NON_TOKEN.sub("", value).lower())


def digit_suffixes(value: str | None) -> str:
    """'0431-8512' -> '04318512 4318512 318512 … 512'."""
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    return " ".join(digits[i:] for i in range(len(digits) - MIN_SUFFIX + 1))


def register_functions(conn: sqlite3.Connection) -> None:
    conn.create_function("jjg_chars", 1, char_tokens, deterministic=True)
    conn.create_function("jjg_suffixes", 1, digit_suffixes, deterministic=True)


@dataclass(frozen=True, slots=True)
class TextQuery:
    """What a search box holds, split into the ways it can match."""

    phrase: str
    code_prefix: str
    digits: str

    @property
    def empty(self) -> bool:
        return not (self.phrase or self.code_prefix)


def parse_query(raw: str) -> TextQuery:
    tokens = char_tokens(raw)
    phrase = f'"{tokens}"' if tokens else ""
    compact = raw.strip().replace(" ", "")
    code_prefix = compact.upper() if _CODE_CHARS.match(compact) else ""
    digits = compact if compact.isdigit() and len(compact) >= MIN_SUFFIX else ""
    return TextQuery(phrase=phrase, code_prefix=code_prefix, digits=digits)


def enterprise_match_sql(q: TextQuery) -> tuple[str, dict[str, str]]:
    """A condition on `enterprise` (aliased e) for the query, driven by the indexes."""
    parts: list[str] = []
    params: dict[str, str] = {}
    if q.phrase:
        fts = "{name_t person_t}: " + q.phrase
        if q.digits:
            fts = f'({fts}) OR phone_t: "{q.digits}"*'
        parts.append("SELECT rowid FROM enterprise_search WHERE enterprise_search MATCH :fts")
        params["fts"] = fts
    if q.code_prefix:
        parts.append("SELECT rowid FROM enterprise "
                     "WHERE credit_code >= :code_lo AND credit_code < :code_hi")
        params |= _prefix_range(q.code_prefix)
    return "e.rowid IN (" + " UNION ".join(parts) + ")", params


def project_match_sql(q: TextQuery) -> tuple[str, dict[str, str]]:
    """A condition on `project` (aliased p) for the query, driven by the indexes."""
    parts: list[str] = []
    params: dict[str, str] = {}
    if q.phrase:
        parts.append("SELECT rowid FROM project_search WHERE project_search MATCH :fts")
        params["fts"] = "name_t: " + q.phrase
    if q.code_prefix:
        parts.append("SELECT rowid FROM project WHERE code >= :code_lo AND code < :code_hi")
        params |= _prefix_range(q.code_prefix)
    return "p.rowid IN (" + " UNION ".join(parts) + ")", params


def enterprise_branches(q: TextQuery, filters: str, direction: str,
                        common_prefix: bool) -> tuple[list[str], dict[str, str]]:
    """One SELECT per way the query can match, each filtered, ordered by registration and
    limited to :k rows: the search index (or the table, for a common code prefix) stops early
    instead of collecting every match. Columns: r (rowid), id."""
    branches: list[str] = []
    params: dict[str, str] = {}
    if q.phrase:
        fts = "{name_t person_t}: " + q.phrase
        if q.digits:
            fts = f'({fts}) OR phone_t: "{q.digits}"*'
        branches.append(
            "SELECT e.rowid AS r, e.id AS id FROM enterprise_search "
            "JOIN enterprise e ON e.rowid = enterprise_search.rowid "
            f"WHERE enterprise_search MATCH :fts AND {filters} "
            f"ORDER BY enterprise_search.rowid {direction} LIMIT :k")
        params["fts"] = fts
    if q.code_prefix:
        hint = "NOT INDEXED" if common_prefix else ""
        branches.append(
            f"SELECT e.rowid AS r, e.id AS id FROM enterprise AS e {hint} "
            f"WHERE e.credit_code >= :code_lo AND e.credit_code < :code_hi AND {filters} "
            f"ORDER BY e.rowid {direction} LIMIT :k")
        params |= _prefix_range(q.code_prefix)
    return branches, params


def is_common_prefix(session: Reader, prefix: str, threshold: int = 8000) -> bool:
    """Whether so many codes share `prefix` that scanning in registration order is cheaper."""
    params = _prefix_range(prefix) | {"n": str(threshold)}
    found = value(session,
                  "SELECT count(*) FROM (SELECT 1 FROM enterprise WHERE credit_code >= :code_lo "
                  "AND credit_code < :code_hi LIMIT :n)", params)
    return found >= threshold


def _prefix_range(prefix: str) -> dict[str, str]:
    return {"code_lo": prefix, "code_hi": prefix + "\uffff"}


def rebuild(conn: sqlite3.Connection, indexes: Sequence[str] = INDEXES) -> None:
    """Re-read every row into the indexes: after a bulk load without the triggers, or a
    VACUUM (which may renumber rowids)."""
    for name in indexes:
        conn.execute(f"INSERT INTO {name}({name}) VALUES('rebuild')")


def integrity_problems(session: Reader) -> list[str]:
    """The indexes that disagree with their tables, as messages for `db check`."""
    problems: list[str] = []
    for name in INDEXES:
        try:
            rows(session, f"INSERT INTO {name}({name}, rank) VALUES('integrity-check', 1)")
        except Exception as exc:  # the index says what is wrong in its own words
            problems.append(f"搜索索引 {name} 与数据不一致：{exc}")
    return problems
