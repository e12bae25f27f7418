"""The HTTP side of the client: one method per `/sync/v1` endpoint, every reply validated.

requests with urllib3's Retry for refused connections and busy replies (every endpoint is
safe to repeat: pushes are idempotent by command id); TLS verification always on, with an
optional CA bundle. Counts requests and bytes so a sync can report what it cost.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import requests
from pydantic import BaseModel, ValidationError
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from jjg_desktop import __version__
from jjg_desktop.sync.errors import NotSignedIn, Offline, Refused, ServerTrouble, TooLarge
from jjg_desktop.sync.protocol import (
    PREFIX,
    LoginRequest,
    LoginResponse,
    Meta,
    MissingFilesRequest,
    MissingFilesResponse,
    ProblemDetail,
    PullResponse,
    PushRequest,
    PushResponse,
    RecordKey,
    RecordsRequest,
    RecordsResponse,
    UploadStatus,
)
from jjg_desktop.sync.transport import clear_text_problem

M = TypeVar("M", bound=BaseModel)

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 60.0
CHUNK = 1 << 20


def _retry() -> Retry:
    return Retry(total=3, connect=3, read=0, status=2, other=0, backoff_factor=0.3,
                 status_forcelist=(502, 503, 504), allowed_methods=None,
                 respect_retry_after_header=True, raise_on_status=False)


def _header_bytes(headers: Any) -> int:
    return sum(len(k) + len(str(v)) + 4 for k, v in headers.items())


class SyncClient:
    """Talks to one provincial server; ``token`` is the bearer from login (None before)."""

    def __init__(self, base_url: str, *, token: str | None = None, ca_bundle: str = "",
                 allow_plain_http: bool = False,
                 timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT)) -> None:
        """``allow_plain_http``: the user ticked that clear text to another computer is
        acceptable (a test on the unit's own network); otherwise every request refuses."""
        self.base_url = base_url.rstrip("/")
        self._clear_text = None if allow_plain_http else clear_text_problem(self.base_url)
        self.token = token
        self.timeout = timeout
        self.requests_made = 0
        self.bytes_sent = 0
        self.bytes_received = 0
        self._verify: str | bool = ca_bundle or True
        self._http = requests.Session()
        self._http.headers["User-Agent"] = f"jjg-desktop/{__version__}"
        adapter = HTTPAdapter(max_retries=_retry())
        self._http.mount("http://", adapter)
        self._http.mount("https://", adapter)

    def close(self) -> None:
        self._http.close()

    # --- endpoints ---------------------------------------------------------------------

    def meta(self) -> Meta:
        return self._json("GET", "/meta", Meta, auth=False)

    def login(self, username: str, password: str, client_id: str) -> LoginResponse:
        body = LoginRequest(username=username, password=password, client_id=client_id)
        return self._json("POST", "/login", LoginResponse, body=body, auth=False)

    def push(self, request: PushRequest) -> PushResponse:
        return self._json("POST", "/push", PushResponse, body=request)

    def pull(self, cursor: int, limit: int) -> PullResponse:
        return self._json("GET", "/pull", PullResponse,
                          params={"cursor": cursor, "limit": limit})

    def records(self, keys: list[tuple[str, str]]) -> RecordsResponse:
        return self._json("POST", "/records", RecordsResponse, body=RecordsRequest(
            keys=[RecordKey(entity=e, id=i) for e, i in keys]))

    def missing_files(self, hashes: list[str]) -> MissingFilesResponse:
        return self._json("POST", "/files/missing", MissingFilesResponse,
                          body=MissingFilesRequest(hashes=hashes))

    def upload_status(self, sha256: str) -> UploadStatus:
        return self._json("GET", f"/files/{sha256}/status", UploadStatus)

    def upload(self, sha256: str, path: Path, *, held: int | None = None,
               progress: Callable[[int, int], None] | None = None) -> UploadStatus:
        """Send what the server lacks of the file, from where it stopped last time (``held``
        as the server just reported it, else asked first)."""
        size = path.stat().st_size
        status = (self.upload_status(sha256) if held is None else
                  UploadStatus(sha256=sha256, offset=held, size=size, complete=False))
        for _attempt in range(3):
            if status.complete:
                return status
            start = status.offset if status.offset <= size else 0
            with path.open("rb") as fh:
                fh.seek(start)
                headers = {"Content-Range": f"bytes {start}-{size - 1}/{size}",
                           "Content-Type": "application/octet-stream"}
                reply = self._send("PUT", f"/files/{sha256}",
                                   data=_Reading(fh, progress, start, size), headers=headers,
                                   sent=size - start)
            if reply.status_code != 409:
                return self._parse(reply, UploadStatus)
            status = UploadStatus.model_validate_json(reply.content)  # moved on: resume there
        raise ServerTrouble("服务器上的文件上传进度一再变化，稍后重试")

    def download(self, sha256: str, target: Path) -> int:
        """Fetch a complete file into ``target`` (atomically, checked against its hash)."""
        reply = self._send("GET", f"/files/{sha256}", stream=True)
        if reply.status_code != 200:
            self._parse(reply, UploadStatus)  # raises the server's reason
        digest = hashlib.sha256()
        partial = target.with_name(target.name + ".download")
        target.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        try:
            with partial.open("wb") as out:
                for chunk in reply.iter_content(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
        except requests.RequestException as exc:
            partial.unlink(missing_ok=True)
            raise Offline(f"下载文件时连接中断：{exc.__class__.__name__}") from exc
        finally:
            self.bytes_received += size
        if digest.hexdigest() != sha256:
            partial.unlink(missing_ok=True)
            raise ServerTrouble("服务器发来的文件与其编号（SHA-256）不符，已丢弃，稍后重试")
        os.replace(partial, target)
        return size

    # --- plumbing ----------------------------------------------------------------------

    def _json(self, method: str, path: str, model: type[M], *, body: BaseModel | None = None,
              params: dict[str, Any] | None = None, auth: bool = True) -> M:
        data = body.model_dump_json().encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        reply = self._send(method, path, data=data, params=params, headers=headers, auth=auth,
                           sent=len(data or b""))
        return self._parse(reply, model)

    def _send(self, method: str, path: str, *, data: Any = None,
              params: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
              auth: bool = True, stream: bool = False, sent: int = 0) -> requests.Response:
        if self._clear_text is not None:
            raise Refused(f"{self._clear_text}，或在“设置”中勾选“允许不加密的连接”")
        all_headers = dict(headers or {})
        if auth:
            if not self.token:
                raise NotSignedIn("尚未登录同步服务器，请先登录")
            all_headers["Authorization"] = f"Bearer {self.token}"
        try:
            # verify per request: a session's own is overridden by REQUESTS_CA_BUNDLE
            reply = self._http.request(method, f"{self.base_url}{PREFIX}{path}", data=data,
                                       params=params, headers=all_headers,
                                       timeout=self.timeout, stream=stream,
                                       verify=self._verify)
        except requests.exceptions.SSLError as exc:
            raise Refused("服务器的安全证书无法验证。请检查服务器地址，或在设置中指定单位提供的"
                          "CA 证书文件") from exc
        except requests.RequestException as exc:
            raise Offline(f"无法连接同步服务器（{self.base_url}）："
                          f"{_reason(exc)}。数据已保存在本机，联网后会自动同步") from exc
        finally:
            self.requests_made += 1
        self.bytes_sent += sent + _header_bytes(all_headers) + len(method) + len(path) + 40
        self.bytes_received += _header_bytes(reply.headers) + 20
        return reply

    def _parse(self, reply: requests.Response, model: type[M]) -> M:
        try:
            content = reply.content
        except requests.RequestException as exc:
            raise Offline(f"接收服务器回复时连接中断：{_reason(exc)}") from exc
        self.bytes_received += len(content)
        if reply.status_code >= 400:
            raise _problem(reply.status_code, content)
        try:
            return model.model_validate_json(content)
        except ValidationError as exc:
            raise ServerTrouble("服务器的回复不完整或格式不符（可能在传输中被截断），"
                                "本次未写入任何数据，稍后会重试") from exc


class _Reading:
    """The rest of a file as a request body of known length, reporting how far it has got."""

    def __init__(self, fh: Any, progress: Callable[[int, int], None] | None, start: int,
                 size: int) -> None:
        self._fh, self._progress, self._done, self._size = fh, progress, start, size

    def __len__(self) -> int:
        return self._size - self._done

    def read(self, n: int = -1) -> bytes:
        chunk: bytes = self._fh.read(n if n and n > 0 else CHUNK)
        self._done += len(chunk)
        if self._progress is not None and chunk:
            self._progress(self._done, self._size)
        return chunk


def _reason(exc: Exception) -> str:
    if isinstance(exc, requests.exceptions.ConnectTimeout | requests.exceptions.ReadTimeout):
        return "连接超时"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "网络不通或服务器未运行"
    return exc.__class__.__name__


def _problem(status: int, content: bytes) -> Exception:
    try:
        problem = ProblemDetail.model_validate_json(content)
        text = f"{problem.title}：{problem.detail}" if problem.detail else problem.title
    except ValidationError:
        text = f"服务器返回错误 {status}"
    if status == 401:
        return NotSignedIn(f"{text}。请重新登录")
    if status in (403, 426):
        return Refused(text)
    if status == 413:
        return TooLarge(text)
    if status >= 500 or status in (408, 429):
        return ServerTrouble(f"{text}（{status}），稍后会自动重试")
    return Refused(f"{text}（{status}）")
