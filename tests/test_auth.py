"""Editors' credentials: hashed in the secrets file, checked, slowed down after wrong passwords."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from app import auth

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"


@pytest.fixture
def secrets(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "streamlit" / "secrets.toml"
    monkeypatch.setenv(auth.SECRETS_PATH_ENV, str(path))
    return path


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_hash_round_trip_is_argon2id_and_salted():
    first, second = auth.hash_password(PASSWORD), auth.hash_password(PASSWORD)
    assert first.startswith("$argon2id$")
    assert first != second  # a fresh salt each time
    assert auth.verify_password(first, PASSWORD)
    assert not auth.verify_password(first, PASSWORD + "x")
    assert not auth.verify_password("not a hash", PASSWORD)


def test_add_editor_writes_hash_not_password_with_mode_600(secrets):
    assert auth.add_editor("aydin.k", PASSWORD, "Aydın K.") is True
    text = secrets.read_text(encoding="utf-8")
    assert PASSWORD not in text
    entry = tomllib.loads(text)["editors"]["aydin.k"]
    assert entry["display_name"] == "Aydın K."
    assert entry["password_hash"].startswith("$argon2id$")
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600


def test_add_editor_keeps_other_entries_and_replaces_password(secrets):
    secrets.parent.mkdir(parents=True)
    secrets.write_text('api_key = "other feature"\n[mail]\nhost = "localhost"\n', encoding="utf-8")
    auth.add_editor("first", PASSWORD)
    assert auth.add_editor("second", PASSWORD + "2", "Second Editor") is True
    assert auth.add_editor("first", "a new password") is False
    content = tomllib.loads(secrets.read_text(encoding="utf-8"))
    assert content["api_key"] == "other feature"
    assert content["mail"] == {"host": "localhost"}
    assert set(content["editors"]) == {"first", "second"}
    assert auth.attempt_sign_in("first", "a new password", "s1", limiter=auth.Throttle()).editor == "first"
    assert auth.attempt_sign_in("first", PASSWORD, "s2", limiter=auth.Throttle()).editor is None


def test_sign_in_right_and_wrong_password(secrets):
    auth.add_editor("aydin", PASSWORD)
    limiter = auth.Throttle()
    assert auth.attempt_sign_in("aydin", PASSWORD, "s", limiter=limiter) == auth.SignInResult("aydin", "")
    wrong = auth.attempt_sign_in("aydin", "wrong password!", "s", limiter=limiter)
    assert wrong.editor is None and "Wrong username or password" in wrong.message
    unknown = auth.attempt_sign_in("nobody", PASSWORD, "s", limiter=limiter)
    assert unknown.editor is None and unknown.message == wrong.message
    assert auth.attempt_sign_in("aydin", "", "s", limiter=limiter).editor is None


def test_no_secrets_file_means_nobody_can_sign_in(secrets):
    assert auth.load_editors() == {}
    assert auth.attempt_sign_in("aydin", PASSWORD, "s", limiter=auth.Throttle()).editor is None


def test_broken_secrets_file_is_a_sentence(secrets):
    secrets.parent.mkdir(parents=True)
    secrets.write_text("[editors\n", encoding="utf-8")
    with pytest.raises(auth.AuthConfigError, match="not valid TOML"):
        auth.load_editors()


def test_newly_added_editor_signs_in_without_restart(secrets):
    limiter = auth.Throttle()
    assert auth.attempt_sign_in("late", PASSWORD, "s", limiter=limiter).editor is None
    auth.add_editor("late", PASSWORD)
    assert auth.attempt_sign_in("late", PASSWORD, "s2", limiter=limiter).editor == "late"


def test_wait_grows_after_three_failures_up_to_a_minute():
    assert [auth.wait_after(n) for n in range(8)] == [0, 0, 0, 8, 16, 32, 60, 60]


def test_throttle_refuses_with_wait_then_accepts(secrets):
    auth.add_editor("aydin", PASSWORD)
    clock = FakeClock()
    limiter = auth.Throttle(clock)
    for _attempt in range(3):
        assert "Wrong" in auth.attempt_sign_in("aydin", "wrong password!", "s", limiter=limiter).message
    refused = auth.attempt_sign_in("aydin", PASSWORD, "s", limiter=limiter)
    assert refused.editor is None and "Try again in 8 seconds" in refused.message
    clock.now += 7.5
    assert "Try again in 1 seconds" in auth.attempt_sign_in("aydin", PASSWORD, "s", limiter=limiter).message
    clock.now += 0.5
    assert auth.attempt_sign_in("aydin", PASSWORD, "s", limiter=limiter).editor == "aydin"
    # success resets the count
    assert "Wrong" in auth.attempt_sign_in("aydin", "wrong password!", "s", limiter=limiter).message
    assert auth.attempt_sign_in("aydin", PASSWORD, "s", limiter=limiter).editor == "aydin"


def test_throttle_counts_per_username_across_sessions_of_one_client(secrets):
    auth.add_editor("aydin", PASSWORD)
    limiter = auth.Throttle(FakeClock())
    for session in ("a", "b", "c"):
        auth.attempt_sign_in("aydin", "wrong password!", session, limiter=limiter, client="198.51.100.7")
    assert "Try again" in auth.attempt_sign_in("aydin", PASSWORD, "fresh session", limiter=limiter,
                                               client="198.51.100.7").message


def test_a_third_party_cannot_lock_the_editor_out(secrets):
    """Someone failing on purpose under the editor's name, from their own address, many times over."""
    auth.add_editor("aydin", PASSWORD)
    limiter = auth.Throttle(FakeClock())
    for attempt in range(10):
        auth.attempt_sign_in("aydin", "wrong password!", f"attacker {attempt}", limiter=limiter, client="203.0.113.9")
    assert "Try again" in auth.attempt_sign_in("aydin", PASSWORD, "attacker 11", limiter=limiter,
                                               client="203.0.113.9").message
    # The attacker is slowed down whatever name they try next, and the editor signs in from her own address.
    assert "Try again" in auth.attempt_sign_in("gulnara", "guess", "attacker 12", limiter=limiter,
                                               client="203.0.113.9").message
    assert auth.attempt_sign_in("aydin", PASSWORD, "the editor", limiter=limiter,
                                client="198.51.100.7").editor == "aydin"


class FakeContext:
    """What `st.context` tells of a connection."""

    def __init__(self, ip_address, headers):
        self.ip_address, self.headers = ip_address, headers


def test_the_client_address_comes_from_a_proxy_header_only_when_told(monkeypatch):
    behind_proxy = FakeContext("10.0.0.2", {"X-Forwarded-For": "203.0.113.9, 10.0.0.2"})
    monkeypatch.delenv(auth.CLIENT_HEADER_ENV, raising=False)
    assert auth.client_address(behind_proxy) == "10.0.0.2"  # a header anyone can send is not trusted by default
    assert auth.client_address(FakeContext(None, {})) is None  # localhost
    monkeypatch.setenv(auth.CLIENT_HEADER_ENV, "X-Forwarded-For")
    assert auth.client_address(behind_proxy) == "203.0.113.9"
    assert auth.client_address(FakeContext("10.0.0.2", {})) == "10.0.0.2"


def test_throttle_counts_per_session_across_usernames(secrets):
    auth.add_editor("aydin", PASSWORD)
    limiter = auth.Throttle(FakeClock())
    for name in ("guess1", "guess2", "guess3"):
        auth.attempt_sign_in(name, "wrong password!", "s", limiter=limiter, client="203.0.113.9")
    assert "Try again" in auth.attempt_sign_in("aydin", PASSWORD, "s", limiter=limiter,
                                               client="203.0.113.9").message
    assert auth.attempt_sign_in("aydin", PASSWORD, "other", limiter=limiter,
                                client="198.51.100.7").editor == "aydin"


@pytest.mark.parametrize("username", ["ab", "a" * 41, "has space", "semi;colon", "ünï", "", "name/slash"])
def test_bad_usernames_are_refused(username):
    with pytest.raises(auth.InvalidInput, match="3 to 40 characters"):
        auth.validate_username(username)


@pytest.mark.parametrize("username", ["abc", "a.b-c_d", "A" * 40, "editor01"])
def test_good_usernames_are_accepted(username):
    assert auth.validate_username(username) == username


def test_short_or_control_passwords_are_refused(secrets):
    with pytest.raises(auth.InvalidInput, match="at least 10"):
        auth.add_editor("aydin", "short")
    with pytest.raises(auth.InvalidInput, match="control"):
        auth.add_editor("aydin", "ten chars\tand a tab")
    assert not secrets.exists()


def run_cli(args, stdin, secrets_path):
    env = {**os.environ, auth.SECRETS_PATH_ENV: str(secrets_path)}
    return subprocess.run([sys.executable, "-m", "app.auth", *args], input=stdin, capture_output=True,
                          text=True, cwd=PROJECT_ROOT, env=env, timeout=60)


def test_cli_add_editor_from_stdin(tmp_path):
    path = tmp_path / "secrets.toml"
    done = run_cli(["add-editor", "aydin", "--name", "Aydın K."], f"{PASSWORD}\n{PASSWORD}\n", path)
    assert done.returncode == 0, done.stderr
    assert "Added editor aydin" in done.stdout
    assert PASSWORD not in path.read_text(encoding="utf-8")
    assert PASSWORD not in done.stdout + done.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert auth.attempt_sign_in("aydin", PASSWORD, "s", path=path, limiter=auth.Throttle()).editor == "aydin"
    assert run_in_process(["list-editors"], "", path) == (0, "aydin\tAydın K.\n", "")


def run_in_process(args, stdin, secrets_path) -> tuple[int, str, str]:
    """The command's `main` as `python -m app.auth` runs it, without starting an interpreter: code, out, err.
    (The test above runs the real command once.)"""
    import contextlib
    import io
    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.get(auth.SECRETS_PATH_ENV), sys.stdin
    os.environ[auth.SECRETS_PATH_ENV], sys.stdin = str(secrets_path), io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = auth.main(args)
    finally:
        if saved[0] is None:
            os.environ.pop(auth.SECRETS_PATH_ENV, None)
        else:
            os.environ[auth.SECRETS_PATH_ENV] = saved[0]
        sys.stdin = saved[1]
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("args, stdin, message", [
    (["add-editor", "x"], f"{PASSWORD}\n", "3 to 40 characters"),
    (["add-editor", "aydin"], "short\n", "at least 10"),
    (["add-editor", "aydin"], f"{PASSWORD}\n{PASSWORD}!\n", "passwords differ"),
    (["add-editor", "aydin"], "", "No password"),
])
def test_cli_refuses_bad_input_and_writes_nothing(tmp_path, args, stdin, message):
    path = tmp_path / "secrets.toml"
    code, _, stderr = run_in_process(args, stdin, path)
    assert code == 2
    assert message in stderr
    assert not path.exists()


def test_throttle_forgets_old_failures_when_many_names_were_tried():
    clock = FakeClock()
    limiter = auth.Throttle(clock)
    limiter.MAX_KEYS = 5
    for n in range(5):
        limiter.failed(f"user:old{n}")
    clock.now += auth.Throttle.FORGET_AFTER_SECONDS + 1
    limiter.failed("user:new")
    assert set(limiter._failures) == {"user:new"}
