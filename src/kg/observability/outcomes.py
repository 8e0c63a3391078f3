"""What an error answered to a client says about the service: a refusal (and its reason), a
time-limit hit, or a failure on our side. The metrics count them by these names."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.exceptions import RequestEntityTooLarge, RequestTimeout

from kg.query.text import READ_ONLY_MESSAGE, QueryTooDeep
from kg.stores import (
    OverBudget,
    QueryAborted,
    QueryError,
    QueryRefused,
    QueryTimeout,
    QueryTooLong,
    ResultTooLarge,
    StoreUnavailable,
)
from kg.stores.guard import SERVICE_MESSAGE

TIME_LIMIT = "time_limit"

# exception class -> refusal reason; the most specific class of an error wins
REFUSALS: dict[type[Exception], str] = {
    QueryTooLong: "too_long",
    QueryTooDeep: "too_nested",
    OverBudget: "budget",
    ResultTooLarge: "too_many_rows",
    RequestEntityTooLarge: "body_too_large",
    RequestTimeout: "read_timeout",
    QueryRefused: "refused",
    QueryError: "invalid",
}
FAILURES: dict[type[Exception], str] = {
    QueryAborted: "aborted",
    StoreUnavailable: "store_unavailable",
}
# a plain QueryRefused says why in its message
MESSAGE_REASONS = ((SERVICE_MESSAGE, "service"), (READ_ONLY_MESSAGE, "update"))


@dataclass(frozen=True)
class Outcome:
    """How one error is counted: ``kind`` is refusal, failure or time_limit."""

    kind: str
    reason: str = ""


def outcome_of(error: BaseException) -> Outcome | None:
    """The outcome ``error`` stands for; None for an error the metrics do not count apart."""
    if isinstance(error, QueryTimeout):
        return Outcome(TIME_LIMIT)
    for cls in type(error).__mro__:
        if cls in FAILURES:
            return Outcome("failure", FAILURES[cls])
        if cls in REFUSALS:
            return Outcome("refusal", _reason(error, REFUSALS[cls]))
    return None


def _reason(error: BaseException, reason: str) -> str:
    """``reason``, made precise by the message of a plain refusal (SERVICE, update)."""
    if type(error) is QueryRefused:
        message = str(error)
        for prefix, named in MESSAGE_REASONS:
            if message.startswith(prefix):
                return named
    return reason
