"""`/sync/v1/files`: which files the server lacks, resumable uploads, downloads."""

from __future__ import annotations

import hashlib
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.requests import ClientDisconnect

from jjg_desktop.sync.protocol import (
    PREFIX,
    MissingFilesRequest,
    MissingFilesResponse,
    UploadStatus,
)
from jjg_server import file_access
from jjg_server.auth import Caller
from jjg_server.files import FileArrived, FileStore, parse_range
from jjg_server.web import SignedIn, problem, problems

Sha = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$",
                          description="文件内容的 SHA-256（小写十六进制）")]

router = APIRouter(prefix=f"{PREFIX}/files", tags=["文件"])


def _files(request: Request) -> FileStore:
    return request.app.state.files


def _may_fetch(request: Request, who: Caller, sha256: str) -> bool:
    with request.app.state.sessions() as session:
        return file_access.may_fetch(session, who, sha256)


def _credit(request: Request, who: Caller, sha256: str) -> None:
    with request.app.state.sessions.begin() as session:
        file_access.credit(session, who, sha256)


def uploader_key(who: Caller) -> str:
    """The name of a user's partial uploads: safe in a file name, the same every time."""
    return hashlib.sha256(who.username.encode("utf-8")).hexdigest()[:16]


def _unseen(sha256: str) -> UploadStatus:
    return UploadStatus(sha256=sha256, offset=0, size=0, complete=False)


@router.post("/missing", response_model=MissingFilesResponse, summary="查询服务器缺少哪些文件",
             description="服务器没有的文件，以及您无权查看的文件（须完整上传一次以证明持有），"
                         "都报告为缺少。", responses=problems(401, 422))
def missing(body: MissingFilesRequest, request: Request, who: SignedIn) -> MissingFilesResponse:
    files = _files(request)
    absent = set(files.missing(body.hashes))
    missing = [sha for sha in dict.fromkeys(body.hashes)
               if sha in absent or not _may_fetch(request, who, sha)]
    mine = uploader_key(who)
    held = {sha: offset for sha in missing
            if sha in absent and (offset := files.status(sha, mine).offset)}
    return MissingFilesResponse(missing=missing, held=held)


@router.get("/{sha256}/status", response_model=UploadStatus, summary="查询文件上传进度",
            responses=problems(401, 422))
def status(sha256: Sha, request: Request, who: SignedIn) -> UploadStatus:
    files = _files(request)
    if files.has(sha256) and not _may_fetch(request, who, sha256):
        return _unseen(sha256)
    return files.status(sha256, uploader_key(who))


@router.put(
    "/{sha256}", response_model=UploadStatus, summary="上传文件（可续传）",
    description="请求体为文件内容的一段，`Content-Range: bytes 起始-结束/总长`；起始须等于服务器"
                "已有的字节数，否则返回 409 与当前进度（UploadStatus）。文件完整后服务器重新计算"
                "SHA-256，不符则丢弃并返回 422。单个文件不超过 50 MB（否则 413）。",
    responses={409: {"model": UploadStatus, "description": "起始位置与服务器已有字节数不符"},
               **problems(400, 401, 413, 422)})
async def upload(sha256: Sha, request: Request, who: SignedIn,
                 content_range: Annotated[str | None, Header()] = None,
                 content_length: Annotated[str | None, Header()] = None) -> UploadStatus:
    start, end, total = parse_range(content_range, content_length)
    files = _files(request)

    async def may_fetch() -> bool:
        return await to_thread.run_sync(_may_fetch, request, who, sha256)

    try:
        try:
            done = await files.append(sha256, start, end, total, request.stream(),
                                      uploader_key(who))
        except FileArrived:
            if not await may_fetch():
                done = await files.prove(sha256, start, end, total, request.stream())
            else:
                done = files.status(sha256)
    except ClientDisconnect:  # the connection was cut: what arrived is kept for resuming
        if files.has(sha256) and not await may_fetch():
            return _unseen(sha256)
        return files.status(sha256, uploader_key(who))
    if done.complete:
        await to_thread.run_sync(_credit, request, who, sha256)
    return done


@router.get("/{sha256}", response_class=FileResponse, response_model=None,
            summary="下载文件", responses={200: {"content": {"application/octet-stream": {}},
                                               "description": "文件内容"},
                                          **problems(401, 404, 422)})
def download(sha256: Sha, request: Request, who: SignedIn) -> FileResponse | JSONResponse:
    files = _files(request)
    if not files.has(sha256) or not _may_fetch(request, who, sha256):
        return problem(404, "服务器上没有该文件", "文件尚未上传完成或已被清理")
    return FileResponse(files.path(sha256), media_type="application/octet-stream")
