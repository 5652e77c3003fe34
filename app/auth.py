"""Who may edit: Secretariat editors sign in; everyone else reads only.

Editors are kept in `.streamlit/secrets.toml` (or the file named by
OTS_SECRETS_PATH) as argon2id hashes made by argon2-cffi, never as passwords:

    [editors.aydin]
    password_hash = "$argon2id$v=19$m=65536,t=3,p=4$..."
    display_name = "Aydın K."

Add one with `python -m app.auth add-editor USERNAME [--name "Display Name"]`.
The file is parsed with tomllib from its path, not through `st.secrets` (which
is cached for the process), and parsed again whenever it changes, so a newly
added editor can sign in without a restart.

Wrong passwords are slowed down per client (the reader's address), per browser
session, and per username from that client: after three failures in a row each
further attempt must wait 2^n seconds (n = number of failures, at most 60 s).
A username is never throttled on its own: failures typed by someone else, from
another address, cannot lock its editor out. The wait is enforced by refusing
attempts with a message, never by sleeping the server thread. Behind a reverse
proxy every reader has the proxy's address; set OTS_CLIENT_HEADER to the header
it writes the reader's address into (for example X-Forwarded-For).

Pages use `current_editor()`, `sign_in_box()` and `require_editor()`. This
module must not show or log a password, nor write one anywhere.
"""
from __future__ import annotations

import argparse
import copy
import getpass
import math
import os
import re
import sys
import tempfile
import threading
import time
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import streamlit as st
import tomli_w
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.i18n import _

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRETS_PATH_ENV = "OTS_SECRETS_PATH"
CLIENT_HEADER_ENV = "OTS_CLIENT_HEADER"  # a header a trusted reverse proxy fills with the reader's address
EDITORS_TABLE = "editors"
SESSION_EDITOR = "auth_editor"

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9._-]{3,40}")
PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 1024  # hashing a megabyte-long "password" would be a cheap way to tie up a core
DISPLAY_NAME_MAX_LENGTH = 80

FREE_ATTEMPTS = 3
MAX_WAIT_SECONDS = 60

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# Verified against when the username is unknown, so an unknown name costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AuthConfigError(Exception):
    """The secrets file cannot be read; the message is a sentence for the user."""


class InvalidInput(ValueError):
    """A username, password or display name that cannot be accepted; the message says why."""


def secrets_path() -> Path:
    return Path(os.environ.get(SECRETS_PATH_ENV, PROJECT_ROOT / ".streamlit" / "secrets.toml"))


# --- the credentials file -------------------------------------------------------------------------

def _read_secrets(path: Path) -> dict:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    except OSError as problem:
        raise AuthConfigError(_("The editors' file {path} cannot be read ({problem}).").format(
            path=path.name, problem=problem.strerror or problem)) from None
    # Parsed again whenever the file changes (every write replaces it: new inode), so a new editor needs no restart.
    return copy.deepcopy(_parse_secrets(str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=8)
def _parse_secrets(path: str, _inode: int, _mtime_ns: int, _size: int) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as problem:
        raise AuthConfigError(_("The editors' file {path} is not valid TOML ({problem}); "
                                "signing in is unavailable until it is fixed.").format(
                                    path=Path(path).name, problem=problem)) from None
    except OSError as problem:
        raise AuthConfigError(_("The editors' file {path} cannot be read ({problem}).").format(
            path=Path(path).name, problem=problem.strerror or problem)) from None


def load_editors(path: Path | None = None) -> dict[str, dict]:
    """username -> {"password_hash", "display_name"}, read from the file now (no caching)."""
    editors = _read_secrets(path or secrets_path()).get(EDITORS_TABLE, {})
    if not isinstance(editors, dict):
        return {}
    return {name: entry for name, entry in editors.items()
            if isinstance(entry, dict) and isinstance(entry.get("password_hash"), str)}


def validate_username(username: str) -> str:
    if not isinstance(username, str) or not USERNAME_PATTERN.fullmatch(username):
        raise InvalidInput(_("A username has 3 to 40 characters: letters, digits, dot, underscore or hyphen "
                             "(got {username!r}).").format(username=username))
    return username


def validate_password(password: str) -> str:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise InvalidInput(_("A password needs at least {n} characters.").format(n=PASSWORD_MIN_LENGTH))
    if len(password) > PASSWORD_MAX_LENGTH:
        raise InvalidInput(_("A password may have at most {n} characters.").format(n=PASSWORD_MAX_LENGTH))
    if any(unicodedata.category(char) == "Cc" for char in password):
        raise InvalidInput(_("A password may not contain control characters (such as a line break)."))
    return password


def validate_display_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput(_("The display name is empty."))
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise InvalidInput(_("A display name may have at most {n} characters.").format(n=DISPLAY_NAME_MAX_LENGTH))
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in name):
        raise InvalidInput(_("A display name may not contain control characters."))
    return name


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _write_private(path: Path, text: str) -> None:
    """Replace the file atomically with one only its owner can read (mode 600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    os.chmod(path, 0o600)


def add_editor(username: str, password: str, display_name: str | None = None, path: Path | None = None) -> bool:
    """Store (or replace) an editor's hashed password; other entries of the file are kept. True if new."""
    path = path or secrets_path()
    validate_username(username)
    validate_password(password)
    display_name = validate_display_name(display_name if display_name is not None else username)
    secrets = _read_secrets(path)
    editors = secrets.setdefault(EDITORS_TABLE, {})
    if not isinstance(editors, dict):
        raise AuthConfigError(_("In {path}, 'editors' is not a table; fix the file by hand first.").format(
            path=path.name))
    is_new = username not in editors
    editors[username] = {"password_hash": hash_password(password), "display_name": display_name}
    _write_private(path, tomli_w.dumps(secrets))
    return is_new


# --- slowing down wrong passwords ---------------------------------------------------------------

def wait_after(failures: int) -> float:
    """Seconds to wait before the next attempt after `failures` wrong passwords in a row."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return float(min(2 ** failures, MAX_WAIT_SECONDS))


class Throttle:
    """Counts wrong passwords per key (a username, a session) and says how long the next attempt must wait."""

    MAX_KEYS = 10_000
    FORGET_AFTER_SECONDS = 3600

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[int, float]] = {}  # key -> (failures in a row, time of the last one)

    def remaining(self, key: str) -> float:
        with self._lock:
            failures, last = self._failures.get(key, (0, 0.0))
        return max(0.0, last + wait_after(failures) - self._clock())

    def failed(self, key: str) -> None:
        with self._lock:
            failures, _last = self._failures.get(key, (0, 0.0))
            self._failures[key] = (failures + 1, self._clock())
            if len(self._failures) > self.MAX_KEYS:  # guessed usernames must not grow memory without end
                cutoff = self._clock() - self.FORGET_AFTER_SECONDS
                self._failures = {k: v for k, v in self._failures.items() if v[1] >= cutoff}

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


# Process-wide, so opening a new browser session does not reset a username's count.
throttle = Throttle()


@dataclass(frozen=True)
class SignInResult:
    editor: str | None  # the username when signed in
    message: str        # why not, when not


def attempt_sign_in(username: str, password: str, session_key: str, path: Path | None = None,
                    limiter: Throttle | None = None, client: str | None = None) -> SignInResult:
    """Check a username and password, refusing early while a wait imposed by earlier failures runs.

    Failures count per session, per client and per username from that client: someone guessing from one
    address is slowed down whatever names and sessions they use, and the editor at another address is not.
    """
    limiter = limiter or throttle
    username = (username or "").strip()
    client = client or "local"
    keys = [f"session:{session_key}", f"client:{client}"] + ([f"user:{username}@{client}"] if username else [])
    wait = max(limiter.remaining(key) for key in keys)
    if wait > 0:
        return SignInResult(None, _("Too many wrong passwords. Try again in {seconds} seconds.").format(
            seconds=math.ceil(wait)))
    if not username or not password:
        return SignInResult(None, _("Enter your username and password."))
    if len(password) > PASSWORD_MAX_LENGTH:
        password = password[:PASSWORD_MAX_LENGTH + 1]  # still wrong, but cheap to check
    entry = load_editors(path).get(username)
    valid = verify_password(entry["password_hash"] if entry else _DUMMY_HASH, password) and entry is not None
    if valid:
        for key in keys:
            limiter.succeeded(key)
        return SignInResult(username, "")
    for key in keys:
        limiter.failed(key)
    return SignInResult(None, _("Wrong username or password."))


# --- what pages use --------------------------------------------------------------------------------

def _session_key() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def client_address(context=None) -> str | None:
    """The reader's address: from the header named by OTS_CLIENT_HEADER when a proxy sets it, else the
    connection's (None on localhost and outside a server)."""
    try:
        context = context if context is not None else st.context
        header = os.environ.get(CLIENT_HEADER_ENV)
        if header:
            forwarded = context.headers.get(header)
            if isinstance(forwarded, str) and forwarded.strip():
                return forwarded.split(",")[0].strip()[:64]
        address = context.ip_address
    except Exception:  # noqa: BLE001 - outside a session: one local client
        return None
    return address if isinstance(address, str) else None


def current_editor() -> str | None:
    """The username of the editor signed in to this session, or None (read only)."""
    try:
        return st.session_state.get(SESSION_EDITOR)
    except Exception:  # outside a Streamlit session
        return None


def display_name(username: str) -> str:
    try:
        entry = load_editors().get(username, {})
    except AuthConfigError:
        entry = {}
    name = entry.get("display_name")
    return name if isinstance(name, str) and name.strip() else username


def sign_out() -> None:
    st.session_state.pop(SESSION_EDITOR, None)


def sign_in_box(container=None) -> str | None:
    """A sign-in form for editors (or who is signed in and a sign-out button); returns the editor."""
    container = container if container is not None else st.sidebar
    editor = current_editor()
    with container:
        if editor:
            st.caption(_("Signed in as {name} (editor).").format(name=display_name(editor)))
            st.button(_("Sign out"), key="auth_sign_out", on_click=sign_out, icon=":material/logout:")
            return editor
        with st.form("auth_sign_in", clear_on_submit=False, border=True):
            st.markdown("**" + _("Secretariat sign-in") + "**")
            username = st.text_input(_("Username"), key="auth_username", max_chars=40)
            password = st.text_input(_("Password"), type="password", key="auth_password",
                                     max_chars=PASSWORD_MAX_LENGTH)
            submitted = st.form_submit_button(_("Sign in"), icon=":material/login:")
        if submitted:
            try:
                result = attempt_sign_in(username, password, _session_key(), client=client_address())
            except AuthConfigError as problem:
                st.error(str(problem))
                return None
            if result.editor:
                st.session_state[SESSION_EDITOR] = result.editor
                st.rerun()
            st.error(result.message)
        else:
            st.caption(_("Only Secretariat editors sign in; everyone else can read every page."))
    return None


def require_editor(container=None) -> str | None:
    """The signed-in editor, or None after a short sentence saying that editing needs signing in."""
    editor = current_editor()
    if editor is None:
        (container if container is not None else st).info(
            _("Sign in as a Secretariat editor (in the sidebar) to make changes here."), icon=":material/lock:")
    return editor


# --- command line --------------------------------------------------------------------------------

def _read_new_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password again: ")
    else:  # scripts and tests pipe the password (optionally twice, one per line)
        lines = sys.stdin.read().splitlines()
        if not lines:
            raise InvalidInput("No password given on standard input.")
        first = lines[0]
        second = lines[1] if len(lines) > 1 else first
    if first != second:
        raise InvalidInput("The two passwords differ.")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.auth", description="Manage dashboard editors.")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add-editor", help="add an editor, or set a new password for one")
    add.add_argument("username")
    add.add_argument("--name", help="name shown in the dashboard and beside recorded statuses")
    commands.add_parser("list-editors", help="list editors (usernames and names only)")
    args = parser.parse_args(argv)
    path = secrets_path()
    try:
        if args.command == "list-editors":
            for username, entry in sorted(load_editors(path).items()):
                print(f"{username}\t{entry.get('display_name', '')}")
            return 0
        validate_username(args.username)
        if args.name is not None:
            validate_display_name(args.name)
        password = validate_password(_read_new_password())
        is_new = add_editor(args.username, password, args.name, path)
    except (InvalidInput, AuthConfigError) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    print(f"{'Added editor' if is_new else 'Changed password of editor'} {args.username} in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
