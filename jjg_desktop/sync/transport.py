"""Whether a server address would carry passwords and tokens in clear across a network."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def clear_text_problem(url: str) -> str | None:
    """Why ``url`` is not safe to sign in over (Chinese), or None: plain ``http://`` is safe
    only to this computer itself."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        return None
    host = (parts.hostname or "").lower()
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return (f"服务器地址 {parts.netloc} 使用不加密的 http://，密码、登录令牌和检查数据会以明文"
            "经过网络，可能被截取。请改用 https:// 开头的地址")
