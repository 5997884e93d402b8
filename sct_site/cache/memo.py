"""Answers computed once per request: within one GET or HEAD, the same question about the same user
and the same objects gets the same answer (who is banditore of a contract, which enti a user works
for…), asked again by every tab and row of a page. Outside a request (services, Celery tasks,
management commands, tests calling functions directly) and in requests that write (POST…) nothing
is kept."""

import contextvars
import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.http import HttpRequest, HttpResponse

P = ParamSpec("P")
R = TypeVar("R")

_memo: contextvars.ContextVar[dict[tuple[Any, ...], Any] | None] = contextvars.ContextVar(
    "sct_memo_richiesta", default=None
)


class MemoRichiestaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)


def _chiave(valore: Any) -> Any:
    if hasattr(valore, "_meta") or hasattr(valore, "is_authenticated"):
        return (type(valore).__name__, getattr(valore, "pk", None))
    return valore


def per_richiesta(fn: Callable[P, R]) -> Callable[P, R]:
    """Memoise ``fn(*args, **kwargs)`` for the current GET/HEAD request (model instances by class and pk)."""

    @functools.wraps(fn)
    def memorizzata(*args: P.args, **kwargs: P.kwargs) -> R:
        memo = _memo.get()
        if memo is None:
            return fn(*args, **kwargs)
        chiave = (
            fn.__module__,
            fn.__qualname__,
            *map(_chiave, args),
            *((nome, _chiave(v)) for nome, v in sorted(kwargs.items())),
        )
        if chiave not in memo:
            memo[chiave] = fn(*args, **kwargs)
        return memo[chiave]

    return memorizzata
