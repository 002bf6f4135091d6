"""Login throttling: token buckets per account name and per client address, bounded in size.

Every login attempt takes a token from two buckets, the account name's and the client
address's; a successful login gives both back, so only failures use them up. A bucket
holds ``burst`` tokens and regains one every ``per_seconds``; an attempt finding either
bucket empty is refused with the seconds until it would be allowed (HTTP 429 and
``Retry-After``), without saying which bucket was empty or whether the name exists
(OWASP Authentication Cheat Sheet, "Login Throttling"; NIST SP 800-63B, section 5.2.2,
rate limiting).

The defaults let a person mistype a password ten times, then try once a minute; and an
address (an office behind one router) fail thirty times, then once every ten seconds.
An IPv6 client is counted by its ``/64`` network, which one host can fill with
addresses.

The state is bounded: at most ``max_keys`` buckets per kind, the least recently used
one dropped first when a new key comes. A dropped bucket is a full bucket if it had
been left alone for ``burst * per_seconds`` (nothing is forgotten then); a flood of
distinct names from many addresses can make a bucket be forgotten earlier, which costs
the flood its own per-address limits.

No library is used: ``limits`` (behind ``slowapi``) keeps one counter per key in memory
without a bound on the number of keys, and a flood of made-up names would grow it.

Admitted logins then take turns (:meth:`LoginThrottle.turn`): at most
:data:`~sysreview.project.accounts.users.HASHING_SLOTS` are checked at once (each argon2id
hash takes 64 MiB; the accounts service enforces the same bound on its threads), and
the others wait in the event loop, holding no thread of the server's pool. At most
``in_flight`` logins are admitted at once; the next gets HTTP 503 with
``Retry-After: 1``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sysreview.project.accounts.users import HASHING_SLOTS


@dataclass(frozen=True)
class Rate:
    """A token bucket: ``burst`` attempts at once, then one more every ``per_seconds``."""

    burst: int
    per_seconds: float

    def __post_init__(self) -> None:
        if self.burst < 1 or self.per_seconds <= 0:
            raise ValueError("a rate needs burst >= 1 and per_seconds > 0")


PER_NAME = Rate(10, 60.0)
"""Default limit of login attempts per account name."""
PER_ADDRESS = Rate(30, 10.0)
"""Default limit of login attempts per client address (IPv6: per /64 network)."""
IN_FLIGHT = 256
"""Default number of logins admitted at the same time (checked or waiting their turn)."""
MAX_KEYS = 10_000
"""Default number of names (and of addresses) remembered."""


class LoginRefused(Exception):
    """A login attempt refused before checking the password: too many, or too busy."""

    def __init__(self, status: int, retry_after: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.message = message


class _Buckets:
    """Token buckets by key, least recently used first, at most ``max_keys`` of them."""

    def __init__(self, rate: Rate, max_keys: int) -> None:
        self.rate = rate
        self.max_keys = max_keys
        self._state: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def tokens(self, key: str, now: float) -> float:
        """Tokens in ``key``'s bucket at ``now`` (a new key has a full bucket)."""
        found = self._state.get(key)
        if found is None:
            return float(self.rate.burst)
        tokens, at = found
        return min(float(self.rate.burst), tokens + (now - at) / self.rate.per_seconds)

    def wait(self, key: str, now: float) -> float:
        """Seconds until ``key`` has a token (0 when it has one now)."""
        return max(0.0, (1.0 - self.tokens(key, now)) * self.rate.per_seconds)

    def add(self, key: str, now: float, tokens: float) -> None:
        """Add ``tokens`` (negative: take) to ``key``'s bucket, never above ``burst``."""
        level = min(float(self.rate.burst), self.tokens(key, now) + tokens)
        self._state[key] = (level, now)
        self._state.move_to_end(key)
        while len(self._state) > self.max_keys:
            self._state.popitem(last=False)

    def __len__(self) -> int:
        return len(self._state)


def address_key(host: str | None) -> str:
    """How a client address is counted: IPv4 as is, IPv6 by its /64 network.

    Examples
    --------
    >>> address_key("192.0.2.7")
    '192.0.2.7'
    >>> address_key("2001:db8::1:2:3:4")
    '2001:db8::/64'
    >>> address_key("::ffff:192.0.2.7")
    '192.0.2.7'
    >>> address_key(None)
    'unknown'
    """
    if not host:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(host)
    except ValueError:
        return host[:100]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def name_key(name: str) -> str:
    """How an account name is counted: trimmed, case-folded, at most 200 characters."""
    return name.strip().casefold()[:200]


class LoginThrottle:
    """Admission of login attempts (see the module docstring).

    Call :meth:`admit` before checking a password, check it during :meth:`turn`, and
    call :meth:`done` after, always.

    Parameters
    ----------
    per_name, per_address
        The token buckets' rates.
    in_flight
        Logins admitted at the same time.
    max_keys
        Names (and addresses) remembered at most.
    clock
        Seconds, monotonic (tests pass their own).

    Examples
    --------
    >>> now = [0.0]
    >>> throttle = LoginThrottle(per_name=Rate(2, 60), clock=lambda: now[0])
    >>> for _ in range(2):
    ...     throttle.admit("R1", "192.0.2.7")
    ...     throttle.done("R1", "192.0.2.7", succeeded=False)
    >>> try:
    ...     throttle.admit("r1 ", "198.51.100.1")
    ... except LoginRefused as refused:
    ...     print(refused.status, refused.retry_after)
    429 60
    >>> now[0] = 60.0
    >>> throttle.admit("R1", "198.51.100.1")
    """

    def __init__(
        self,
        *,
        per_name: Rate = PER_NAME,
        per_address: Rate = PER_ADDRESS,
        in_flight: int = IN_FLIGHT,
        max_keys: int = MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._names = _Buckets(per_name, max_keys)
        self._addresses = _Buckets(per_address, max_keys)
        self.in_flight = in_flight
        self._checking = 0
        self._clock = clock
        self._lock = threading.Lock()
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait, in the event loop, for one of the :data:`HASHING_SLOTS` turns to check."""
        loop = asyncio.get_running_loop()
        with self._lock:  # a semaphore per event loop (a test runs several)
            turns = self._turns.setdefault(loop, asyncio.Semaphore(HASHING_SLOTS))
        async with turns:
            yield

    def admit(self, name: str, address: str | None) -> None:
        """Take a token from the name's and the address's bucket, and an admission.

        Raises
        ------
        LoginRefused
            429 when either bucket is empty (nothing is taken then), 503 when
            ``in_flight`` logins are admitted already.
        """
        name, address = name_key(name), address_key(address)
        with self._lock:
            if self._checking >= self.in_flight:
                raise LoginRefused(
                    503, 1, "The server is busy checking other logins. Try again in a moment."
                )
            now = self._clock()
            wait = max(self._names.wait(name, now), self._addresses.wait(address, now))
            if wait > 0:
                seconds = math.ceil(wait)
                raise LoginRefused(
                    429, seconds, f"Too many login attempts. Try again in {seconds} seconds."
                )
            self._names.add(name, now, -1.0)
            self._addresses.add(address, now, -1.0)
            self._checking += 1

    def done(self, name: str, address: str | None, *, succeeded: bool) -> None:
        """End the admission; a successful login gives its tokens back."""
        name, address = name_key(name), address_key(address)
        with self._lock:
            self._checking -= 1
            if succeeded:
                now = self._clock()
                self._names.add(name, now, 1.0)
                self._addresses.add(address, now, 1.0)

    def remembered(self) -> tuple[int, int]:
        """How many names and addresses have a bucket now (at most ``max_keys`` each)."""
        with self._lock:
            return len(self._names), len(self._addresses)
