"""The faces of an official document: 仿宋 for the body and a 小标宋-like face for the title
(GB/T 9704), taken from the system where the laptop has them (Windows does: simfang.ttf,
simsun.ttc) and otherwise the bundled AR PL SungtiL GB (Arphic Public License, which allows
embedding). TrueType outlines only, embedded and subset by reportlab.

The bundled face covers GB 2312; a document with a character outside what its faces hold (a
rare character in a person's name) is set wholly in the interface face, WenQuanYi Micro Hei,
rather than print a blank box on a legal document.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from jjg_desktop.paths import resource
from jjg_desktop.reports.document import register_font

BUNDLED = "ARPLSungtiLGB.ttf"
BODY_FACES = ("simfang.ttf", "FangSong.ttf", "STFANGSO.TTF")
"""仿宋 as Windows and macOS name it."""
TITLE_FACES = ("FZXBSJW.TTF", "FZXBSK.TTF", "simsun.ttc", "STSONG.TTF")
"""方正小标宋 where installed, else 宋体."""
FONTS_ENV = "JJG_FONT_DIRS"
"""Extra folders to look in first (os.pathsep-separated), for a bureau's own fonts and tests."""


def font_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get(FONTS_ENV, "").split(os.pathsep) if p]
    windows = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    return [*extra, windows, Path.home() / "AppData/Local/Microsoft/Windows/Fonts",
            Path("/Library/Fonts"), Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
            Path.home() / ".local/share/fonts"]


def find_face(names: Sequence[str], dirs: Iterable[Path]) -> Path | None:
    """The first of `names` (any case) found in `dirs` or one level below them."""
    wanted = {n.lower(): n for n in names}
    found: dict[str, Path] = {}
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in [*folder.iterdir(), *(p for d in folder.iterdir() if d.is_dir()
                                           for p in d.iterdir())]:
            key = path.name.lower()
            if key in wanted and key not in found:
                found[key] = path
    return next((found[n.lower()] for n in names if n.lower() in found), None)


@dataclass(frozen=True, slots=True)
class Faces:
    body: str
    title: str


def _register(name: str, path: Path) -> str | None:
    try:
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
    except (TTFError, OSError):
        return None  # a PostScript-outlined or damaged file: not embeddable here
    return name


@cache
def official_faces() -> Faces:
    bundled = _register("jjg-sung", resource("fonts", BUNDLED)) or register_font()
    dirs = font_dirs()
    body = title = bundled
    if (path := find_face(BODY_FACES, dirs)) is not None:
        body = _register("jjg-fangsong", path) or bundled
    if (path := find_face(TITLE_FACES, dirs)) is not None:
        title = _register("jjg-title", path) or bundled
    return Faces(body, title)


def faces_for(texts: Iterable[str]) -> Faces:
    """The official faces when they hold every character of the document, else the
    interface face throughout."""
    faces = official_faces()
    needed = {ord(c) for text in texts for c in text if not c.isspace()}
    held = all(needed <= _codepoints(face) for face in {faces.body, faces.title})
    if held:
        return faces
    fallback = register_font()
    return Faces(fallback, fallback)


@cache
def _codepoints(face: str) -> frozenset[int]:
    font = pdfmetrics.getFont(face)
    assert isinstance(font, TTFont)
    return frozenset(font.face.charToGlyph)
