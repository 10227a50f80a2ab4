"""A repository is the SQL of one aggregate bound to the unit of work's connection.

A service writes its SQL as plain functions taking the connection first (easy to test and to call
from a migration or a benchmark) and lists them on a repository class with `bound`, which hands each
the connection: `uow.people.lock(beneficiary_id=...)` calls `lock(conn, beneficiary_id=...)`. The
checker sees each method with the function's own signature, so an in-memory twin written against the
same names is held to the same parameters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, overload

import asyncpg

P = ParamSpec("P")
R = TypeVar("R")


class Row(Protocol):
    """A row as the service layer reads it, by column name: an asyncpg Record, or a twin's dict."""

    def __getitem__(self, key: str, /) -> Any: ...

    def keys(self) -> Iterable[str]: ...


class Repository:
    """SQL on one connection: the unit of work's, so it commits or rolls back with the work."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn


class bound(Generic[P, R]):  # noqa: N801 - used like a decorator, named like one
    """A function `f(conn, ...)` as a repository method taking `(...)`."""

    def __init__(self, function: Callable[Concatenate[asyncpg.Connection, P], Awaitable[R]]) -> None:
        self._function = function
        self.__doc__ = function.__doc__

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> bound[P, R]: ...

    @overload
    def __get__(self, instance: Repository, owner: type[Any]) -> Callable[P, Awaitable[R]]: ...

    def __get__(
        self, instance: Repository | None, owner: type[Any]
    ) -> bound[P, R] | Callable[P, Awaitable[R]]:
        if instance is None:
            return self
        return partial(self._function, instance.conn)
