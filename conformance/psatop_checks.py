"""Checks that hold under `python -O` too (which strips `assert`): a failed check says what and
exits non-zero."""
import sys


class CheckFailed(Exception):
    pass


def ensure(condition, *detail):
    """Fails the run unless `condition` is true; `detail` says what was seen."""
    if not condition:
        raise CheckFailed(" ".join(repr(d) if not isinstance(d, str) else d for d in detail) or "check failed")
    return condition


def nonempty(items, what):
    """`items` as a list, failing when there is none: an all() over nothing would pass."""
    items = list(items or [])
    ensure(items, f"{what}: nothing to check")
    return items


def http_status(e):
    """The HTTP status an exception carries: its own field, its response's, or (py-autotask
    raises its own error from inside `except HTTPError`) those of the error it was raised from."""
    seen = set()
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        for attr in ("status_code", "status"):
            v = getattr(e, attr, None)
            if isinstance(v, int):
                return v
        v = getattr(getattr(e, "response", None), "status_code", None)
        if isinstance(v, int):
            return v
        e = e.__cause__ or e.__context__
    return None


def fails_with(status, call, what):
    """Runs `call`, which must fail with the HTTP `status`; success, another status or an error
    that carries none (a client-side refusal, a bug in the script) fails the run."""
    try:
        call()
    except Exception as e:  # noqa: BLE001 - the status decides, not the type
        got = http_status(e)
        ensure(got == status, f"{what}: expected HTTP {status}, got {got} from {type(e).__name__}: {e}")
        return e
    raise CheckFailed(f"{what}: expected HTTP {status}, but it succeeded")


if __name__ == "__main__":
    sys.exit("a helper module, not a script")
