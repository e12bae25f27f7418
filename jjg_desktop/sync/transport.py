"""Whether a server address would carry passwords and tokens in clear across a network."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback(host: str) -> bool:
    """``host`` is this computer itself (localhost, 127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def clear_text_problem(url: str) -> str | None:
    """Why ``url`` is not safe to sign in over (Chinese), or None: plain ``http://`` is safe
    only to this computer itself."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        return None
    if is_loopback(parts.hostname or ""):
        return None
    return (f"服务器地址 {parts.netloc} 使用不加密的 http://，密码、登录令牌和检查数据会以明文"
            "经过网络，可能被截取。请改用 https:// 开头的地址")
