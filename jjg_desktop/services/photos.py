"""Preparing a photo for the record: checked, upright, scaled, with its time and place kept.

Pillow is imported when a photo is prepared, not with this module (the window's start loads
the services; Pillow costs ~20 ms there)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from jjg_desktop.services.errors import InvalidInput

if TYPE_CHECKING:
    from PIL import Image

MAX_EDGE = 2560
JPEG_QUALITY = 85
MAX_FILE_BYTES = 60 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class PreparedPhoto:
    data: bytes
    mime: str
    width: int
    height: int
    taken_at: datetime | None
    gps_lat: float | None
    gps_lon: float | None
    original_name: str


def prepare_photo(path: Path) -> PreparedPhoto:
    """Read an image file; refuse anything that is not a readable photo, saying why."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InvalidInput(f"无法读取照片 {name}：{exc.strerror or exc}") from exc
    if size > MAX_FILE_BYTES:
        megabytes = size // (1024 * 1024)
        raise InvalidInput(f"照片 {name} 过大（{megabytes} MB），请选择小于 60 MB 的照片")
    try:
        with Image.open(path) as probe:
            probe.verify()
        with Image.open(path) as img:
            img.load()
            exif = img.getexif()
            taken_at = _taken_at(exif)
            lat, lon = _gps(exif)
            upright = ImageOps.exif_transpose(img)
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise InvalidInput(f"{name} 不是可识别的照片文件（支持 JPEG、PNG 等常见格式）") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput(f"照片 {name} 已损坏或不完整，无法读取，请重新拍摄或复制") from exc
    if upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    upright.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    upright.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return PreparedPhoto(data=out.getvalue(), mime="image/jpeg", width=upright.width,
                         height=upright.height, taken_at=taken_at, gps_lat=lat, gps_lon=lon,
                         original_name=name)


def _taken_at(exif: Image.Exif) -> datetime | None:
    from PIL import ExifTags

    sub = exif.get_ifd(ExifTags.IFD.Exif)
    raw = sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    if not raw:
        return None
    try:
        return datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    from PIL import ExifTags

    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    try:
        lat = _degrees(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef, "N"))
        lon = _degrees(gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    return lat, lon


def _degrees(dms: tuple[float, float, float], ref: str) -> float:
    d, m, s = (float(x) for x in dms)
    value = d + m / 60 + s / 3600
    return -value if ref in ("S", "W") else value
