"""Pictures for the demo's completed records: handwritten-looking signatures and site photos
(a 维权信息告示牌 and a view of the site), drawn from the seed so every build is the same."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFont

from jjg_desktop.paths import resource

SIGNATURE_SIZE = (480, 160)
PHOTO_SIZE = (1280, 960)


def signature_png(rng: random.Random) -> bytes:
    """A pen stroke across a white pad, as the signature pad saves it (PNG)."""
    img = Image.new("RGB", SIGNATURE_SIZE, "white")
    draw = ImageDraw.Draw(img)
    for stroke in range(rng.randint(2, 3)):
        x = 40 + stroke * 140 + rng.randint(0, 20)
        points = []
        for _ in range(rng.randint(8, 12)):
            x += rng.randint(8, 22)
            points.append((x, rng.randint(35, 125)))
        draw.line(points, fill=(20, 20, 60), width=4, joint="curve")
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(resource("fonts", "WenQuanYiMicroHei.ttf")), size)


def board_photo(rng: random.Random, project: str, contractor: str, phone: str) -> bytes:
    """The 农民工维权信息告示牌 at the site gate (JPEG)."""
    img = Image.new("RGB", PHOTO_SIZE, (176, 190, 204))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 700, 1280, 960), fill=(120, 112, 98))
    left, top = 180 + rng.randint(-30, 30), 110 + rng.randint(-20, 20)
    draw.rectangle((left - 12, top - 12, left + 932, top + 572), fill=(70, 70, 70))
    draw.rectangle((left, top, left + 920, top + 560), fill=(18, 72, 150))
    draw.rectangle((left + 200, top + 572, left + 220, 820), fill=(90, 90, 90))
    draw.rectangle((left + 700, top + 572, left + 720, 820), fill=(90, 90, 90))
    lines = [("农民工维权信息告示牌", 52), (f"工程名称：{project}", 30),
             (f"施工总承包单位：{contractor}", 30), (f"劳资专管员电话：{phone}", 30),
             ("工资支付日期：每月25日前", 30), ("当地人社部门投诉举报电话：12333", 30),
             ("法律援助申请渠道：12348", 30)]
    y = top + 40
    for text, size in lines:
        font = _font(size)
        width = draw.textlength(text, font=font)
        x = left + 40 if size < 40 else left + (920 - width) / 2
        draw.text((x, y), text, fill="white", font=font)
        y += size + (40 if size >= 40 else 26)
    return _jpeg(img)


def site_photo(rng: random.Random) -> bytes:
    """A view of the site: a building frame under construction and a tower crane (JPEG)."""
    img = Image.new("RGB", PHOTO_SIZE, (150, 190, 225))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 640, 1280, 960), fill=(128, 110, 86))
    floors = rng.randint(6, 11)
    left, right = 300 + rng.randint(-40, 40), 900 + rng.randint(-40, 40)
    height = 40
    for n in range(floors + 1):
        y = 640 - n * height
        draw.rectangle((left, y - 6, right, y), fill=(150, 150, 150))
    for x in range(left, right + 1, (right - left) // 6):
        draw.rectangle((x, 640 - floors * height, x + 8, 640), fill=(165, 165, 160))
    mast = right + 120
    draw.rectangle((mast, 120, mast + 16, 640), fill=(230, 180, 30))
    draw.rectangle((mast - 520, 110, mast + 200, 124), fill=(230, 180, 30))
    draw.line((mast + 8, 60, mast - 400, 112), fill=(60, 60, 60), width=3)
    draw.line((mast - 300, 124, mast - 300, 330), fill=(60, 60, 60), width=2)
    return _jpeg(img)


def _jpeg(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=82)
    return out.getvalue()
