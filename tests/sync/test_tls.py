"""TLS is always verified: a server whose certificate the laptop cannot check is refused with a
clear message, and the province's own CA can be named in the settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from jjg_desktop.config import resolve_paths
from jjg_desktop.services.startup import open_store
from jjg_desktop.sync.client import SyncClient
from jjg_desktop.sync.credentials import Credentials
from jjg_desktop.sync.errors import Refused
from jjg_desktop.sync.session import sign_in, sync_once
from jjg_server import store as server_store
from server_support import add_user, running_server
from tests_support import MemoryKeyring

NOW = dt.datetime.now(dt.UTC)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _province_ca(folder: Path) -> tuple[Path, Path, Path]:
    """A CA of the province's own and a certificate it signed for localhost."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("吉林省住建厅测试CA"))
          .issuer_name(_name("吉林省住建厅测试CA")).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(NOW - dt.timedelta(days=1))
          .not_valid_after(NOW + dt.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name("localhost")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(2)
            .not_valid_before(NOW - dt.timedelta(days=1))
            .not_valid_after(NOW + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


def test_a_certificate_the_laptop_cannot_verify_is_refused_and_the_provinces_ca_works(
        tmp_path):
    ca, cert, key = _province_ca(tmp_path)
    db_url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    engine = server_store.open_db(db_url)
    add_user(engine, "hc_clerk", "Jl-2026-sync", name="刘晓燕")
    engine.dispose()
    store = open_store(resolve_paths(data_dir=tmp_path / "laptop"))
    credentials = Credentials(MemoryKeyring())
    try:
        with running_server(db_url, tmp_path / "files", tls=(cert, key)) as url:
            with pytest.raises(Refused, match="安全证书无法验证"):
                sign_in(store, credentials, server_url=url, username="hc_clerk",
                        password="Jl-2026-sync")
            actor = sign_in(store, credentials, server_url=url, username="hc_clerk",
                            password="Jl-2026-sync", ca_bundle=str(ca))
            assert actor.display_name == "刘晓燕"
            assert sync_once(store, credentials, server_url=url, ca_bundle=str(ca)).requests >= 1
            with pytest.raises(Refused, match="安全证书无法验证"):
                sync_once(store, credentials, server_url=url)
    finally:
        store.close()


def test_clear_text_to_another_computer_is_refused_before_anything_is_sent(tmp_path):
    store = open_store(resolve_paths(data_dir=tmp_path / "laptop"))
    try:
        # 192.0.2.1 (TEST-NET-1) is never reached: the refusal comes before any connection
        with pytest.raises(Refused, match=r"不加密的 http://.*允许不加密的连接"):
            sign_in(store, Credentials(MemoryKeyring()), server_url="http://192.0.2.1:8000",
                    username="hc_clerk", password="Jl-2026-sync")
        client = SyncClient("http://jjg.jl.gov.cn", allow_plain_http=True)
        assert client._clear_text is None
        client.close()
    finally:
        store.close()
