"""The sync token's home: the keyring when there is one, memory (with a warning) otherwise."""

from __future__ import annotations

import keyring.core
import pytest

from jjg_desktop.sync.credentials import NO_KEYRING, Credentials, Login
from tests_support import MemoryKeyring


def test_the_token_goes_to_the_keyring_and_comes_back_in_a_new_session():
    vault = MemoryKeyring()
    Credentials(vault).save(Login("https://jjg.jl.gov.cn", "hc_clerk", "t0ken-0123456789"))
    again = Credentials(vault).load("https://jjg.jl.gov.cn")
    assert again is not None and (again.username, again.token) == (
        "hc_clerk", "t0ken-0123456789")
    assert "t0ken" not in repr(again)


def test_a_misconfigured_keyring_leaves_the_token_in_memory_and_says_so(monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "no.such.Backend")
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    credentials = Credentials()
    assert not credentials.available and credentials.warning == NO_KEYRING
    credentials.save(Login("https://jjg.jl.gov.cn", "hc_clerk", "t0ken-0123456789"))
    login = credentials.load("https://jjg.jl.gov.cn")
    assert login is not None and login.token == "t0ken-0123456789"
    assert Credentials(MemoryKeyring()).load("https://jjg.jl.gov.cn") is None


@pytest.fixture(autouse=True)
def _restore_keyring():
    previous = keyring.core._keyring_backend
    yield
    keyring.core._keyring_backend = previous


def test_two_people_and_two_data_folders_keep_their_own_sign_in():
    vault = MemoryKeyring()
    server = "https://jjg.jl.gov.cn"
    Credentials(vault).save(Login(server, "hc_clerk", "clerk-token"), "/data/a")
    Credentials(vault).save(Login(server, "yb_reviewer", "reviewer-token"), "/data/a")
    Credentials(vault).save(Login(server, "hc_clerk", "other-folder-token"), "/data/b")
    credentials = Credentials(vault)
    tokens = [(login.username, login.token) for login in (
        credentials.load(server, "hc_clerk", "/data/a"),
        credentials.load(server, "yb_reviewer", "/data/a"),
        credentials.load(server, "hc_clerk", "/data/b"),
        credentials.load(server, folder="/data/a")) if login is not None]
    assert tokens == [("hc_clerk", "clerk-token"), ("yb_reviewer", "reviewer-token"),
                      ("hc_clerk", "other-folder-token"), ("yb_reviewer", "reviewer-token")]
    credentials.forget(server, "yb_reviewer", "/data/a")
    assert credentials.load(server, "yb_reviewer", "/data/a") is None
    assert credentials.load(server, "hc_clerk", "/data/a") is not None
