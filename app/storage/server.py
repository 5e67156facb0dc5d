"""A project on a PostgreSQL server: recognising its address, showing it without a password, connecting to it.

A server project is a libpq URL, `postgresql://user@host:port/database?sslmode=require`. Rapport hands the URL to
libpq unchanged (psycopg 3), so everything libpq knows works: TLS options, `~/.pgpass`, `PGPASSWORD`, service
files. Rapport never stores a password: titles, recent lists, logs and error messages show `redacted(url)`.
"""

from __future__ import annotations

import select
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import psycopg
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError

SCHEMES = ("postgresql://", "postgres://")
# libpq waits forever for a server that does not answer; a window must not.
DEFAULT_CONNECT_TIMEOUT_S = 10
APPLICATION_NAME = "rapport"
_SECRET_OPTIONS = {"password", "sslpassword"}


def is_server_address(target: object) -> bool:
    """True for a `postgresql://` or `postgres://` URL (a str); False for a path or anything else."""
    return isinstance(target, str) and target.strip().lower().startswith(SCHEMES)


def redacted(url: str) -> str:
    """The URL without any password (in the user part or in the options), for titles, lists and messages."""
    parts = urlsplit(url.strip())
    netloc = parts.netloc
    if "@" in netloc:
        user, _, hosts = netloc.rpartition("@")
        user = user.split(":", 1)[0]
        netloc = f"{user}@{hosts}" if user else hosts
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in _SECRET_OPTIONS
    ]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="/:"), ""))


def database_name(url: str) -> str:
    """The database the URL names (libpq's default, the user name, when it names none)."""
    parts = urlsplit(url.strip())
    name = unquote(parts.path.lstrip("/"))
    if not name:
        name = dict(parse_qsl(parts.query)).get("dbname", "") or user_name(url)
    return name


def user_name(url: str) -> str:
    parts = urlsplit(url.strip())
    user = unquote(parts.username or "")
    return user or dict(parse_qsl(parts.query)).get("user", "")


def host_label(url: str) -> str:
    """`host` or `host:port` as written in the URL (`localhost` when it names none)."""
    parts = urlsplit(url.strip())
    hosts = parts.netloc.rpartition("@")[2]
    return unquote(hosts) or dict(parse_qsl(parts.query)).get("host", "") or "localhost"


def title_of(url: str) -> str:
    """What a window title or a list shows for a server project: `database on host`."""
    return f"{database_name(url)} on {host_label(url)}"


def libpq_url(url: str) -> str:
    """The URL as libpq takes it (`postgres://` is libpq's too; only surrounding blanks go)."""
    return url.strip()


def _connect_options(url: str, read_only: bool) -> dict[str, str]:
    given = {k.lower() for k, _ in parse_qsl(urlsplit(url.strip()).query)}
    options: dict[str, str] = {}
    if "connect_timeout" not in given:
        options["connect_timeout"] = str(DEFAULT_CONNECT_TIMEOUT_S)
    if "application_name" not in given:
        options["application_name"] = APPLICATION_NAME
    if read_only:
        options["options"] = "-c default_transaction_read_only=on"
    return options


def connect(url: str, *, read_only: bool = False, autocommit: bool = False) -> psycopg.Connection:
    """One psycopg connection to the server project at `url`."""
    return psycopg.connect(libpq_url(url), autocommit=autocommit, **_connect_options(url, read_only))


def make_server_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine on a server project (SQLAlchemy's `postgresql+psycopg` dialect; libpq reads the URL itself).

    Read-only engines make every transaction read-only on the server. SQL parameters are hidden from error
    messages and logs: they hold transcript text."""
    engine = create_engine(
        "postgresql+psycopg://", creator=lambda: connect(url, read_only=read_only), hide_parameters=True
    )
    event.listen(engine, "checkout", _replace_if_closed)
    return engine


def _replace_if_closed(dbapi_connection, _record, _proxy) -> None:
    """A pooled connection the server closed (a restart, an idle timeout, a terminated session) is replaced
    before it is used. Told by the socket alone, without the round trip of SQLAlchemy's pre-ping that every
    action would pay: an idle connection has nothing to read unless the server said goodbye (or, rarely,
    reported a setting it changed: the connection is then replaced for nothing, which costs a connect)."""
    if _closed_by_server(dbapi_connection):
        raise DisconnectionError("the server closed this connection")


def _closed_by_server(connection: psycopg.Connection) -> bool:
    if connection.closed or connection.broken:
        return True
    readable, _, _ = select.select([connection.fileno()], [], [], 0)
    return bool(readable)
