"""Small structured-concurrency helpers shared by the client's internals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NoReturn, TypeVar

import anyio

T = TypeVar("T")


def raise_single(group: BaseExceptionGroup[BaseException]) -> NoReturn:
    """Re-raise the one meaningful exception of a task group's exception group.

    Cancellations are ignored when anything else is there; a ``KeyboardInterrupt`` wins; if
    several different errors remain, the first one is raised and the group is kept as its
    ``__context__`` so nothing is lost.
    """
    leaves = list(flatten_group(group))
    cancelled = anyio.get_cancelled_exc_class()
    errors = [e for e in leaves if not isinstance(e, cancelled)]
    for e in errors:
        if isinstance(e, KeyboardInterrupt):
            raise KeyboardInterrupt() from group
    chosen = errors[0] if errors else leaves[0]
    reraise(chosen, group if len(errors) > 1 else None)


def reraise(exc: BaseException, context: BaseException | None = None) -> NoReturn:
    """Raise *exc* as itself, keeping its own ``__context__`` (or setting *context*)."""
    saved = exc.__context__ if context is None else context
    try:
        raise exc
    finally:
        exc.__context__ = saved
        del exc, saved


def flatten_group(group: BaseExceptionGroup[BaseException]) -> list[BaseException]:
    out: list[BaseException] = []
    for e in group.exceptions:
        if isinstance(e, BaseExceptionGroup):
            out.extend(flatten_group(e))
        else:
            out.append(e)
    return out


async def gather(calls: Sequence[Callable[[], Awaitable[T]]]) -> list[T]:
    """Run *calls* concurrently; return their results in order.

    If one fails, the others are cancelled and its exception is raised as itself (not
    wrapped in an exception group). Cancellation: cancels every call.
    """
    if len(calls) == 1:
        return [await calls[0]()]
    results: list[Any] = [None] * len(calls)

    async def run(index: int, call: Callable[[], Awaitable[T]]) -> None:
        results[index] = await call()

    try:
        async with anyio.create_task_group() as tg:
            for index, call in enumerate(calls):
                tg.start_soon(run, index, call)
    except BaseExceptionGroup as group:
        raise_single(group)
    return results
