"""The server publishes the protocol as OpenAPI: every /sync/v1 endpoint, summarised in
Chinese, with the protocol's models."""

from __future__ import annotations

import requests

EXPECTED = {
    ("get", "/sync/v1/meta"): "Meta",
    ("post", "/sync/v1/login"): "LoginResponse",
    ("post", "/sync/v1/push"): "PushResponse",
    ("get", "/sync/v1/pull"): "PullResponse",
    ("post", "/sync/v1/files/missing"): "MissingFilesResponse",
    ("post", "/sync/v1/records"): "RecordsResponse",
    ("get", "/sync/v1/files/{sha256}/status"): "UploadStatus",
    ("put", "/sync/v1/files/{sha256}"): "UploadStatus",
    ("get", "/sync/v1/files/{sha256}"): None,  # the file's bytes
}


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_openapi_lists_every_sync_endpoint_with_its_model(server: str):
    reply = requests.get(f"{server}/openapi.json", timeout=10)
    assert reply.status_code == 200
    spec = reply.json()
    served = {(method, path): op for path, ops in spec["paths"].items()
              for method, op in ops.items()}
    assert set(served) == set(EXPECTED)
    for key, model in EXPECTED.items():
        op = served[key]
        assert _is_chinese(op["summary"]), key
        content = op["responses"]["200"]["content"]
        if model is None:
            assert "application/octet-stream" in content
        else:
            assert content["application/json"]["schema"]["$ref"].endswith(f"/{model}"), key
        for status, answer in op["responses"].items():
            if status not in ("200", "409"):
                assert answer["content"]["application/json"]["schema"]["$ref"].endswith(
                    "/ProblemDetail"), (key, status)
    assert _is_chinese(spec["info"]["title"])
