"""Sorting a gateway's failure: try later, ask what happened first (outcome unknown), or never."""

import socket

from suggestions.reminders.sms import SMSError, TransientSMSError, UnknownOutcomeSMSError


def _is_timeout(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        name = type(exc).__name__.lower()
        if isinstance(exc, TimeoutError | socket.timeout) or "timeout" in name or "timed out" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _is_unreachable(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ConnectionRefusedError):
            return True
        if "connection refused" in str(exc).lower() or "cannot connect" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def classify_exception(exc: Exception, *, retry_codes=()) -> SMSError:
    """An SDK's or HTTP client's exception as one of ours.

    Refused connections never reached the gateway: try later. A timeout may have
    reached it: the outcome is unknown. HTTP 5xx and throttling: later. The rest
    (bad signature, bad number, bad template) will not pass by itself.
    """
    if isinstance(exc, SMSError):
        return exc
    text = f"{type(exc).__name__}: {exc}"[:500]
    if _is_unreachable(exc):
        return TransientSMSError(text)
    if _is_timeout(exc):
        return UnknownOutcomeSMSError(text)
    status = getattr(exc, "status_code", None) or getattr(exc, "statusCode", None)
    code = str(getattr(exc, "code", "") or "")
    if (
        (status and int(status) >= 500)
        or code in retry_codes
        or "Throttling" in code
        or code.startswith("InternalError")
    ):
        return TransientSMSError(text)
    if isinstance(exc, ConnectionError | OSError):
        return TransientSMSError(text)
    return SMSError(text)
