"""A cached remote JSON Web Key Set holding only Ed25519 keys (docs/decisions/003).

PyJWT 2.6's PyJWKClient is not enough on its own: it fetches with no timeout, follows redirects
and proxies, refetches on every unknown ``kid`` (no cooldown), clears its cache when a fetch fails,
and lets concurrent callers each start a fetch. This class keeps PyJWT for what it does well (turning
a JWK into a key, ``PyJWK``) and adds the rest, with the TypeScript API's semantics:

- cold cache: the first use fetches; if that fails, ``KeySetUnavailableError`` (fail closed);
- unknown ``kid``: only a key set requested after the token arrived can say a kid is unknown;
  until then the caller waits for the next fetch, which happens at most once per cooldown
  (default 1 s), so a freshly rotated key is never refused and kid spraying costs the issuer at
  most one request per cooldown;
- stale cache: refreshed on use; if the refresh fails, the keys we have keep working;
- a failure is never cached: the next attempt may come ``retry_delay`` later;
- concurrent callers share one in-flight fetch. Thread-safe.
"""

from __future__ import annotations

import http.client
import threading
import time
from typing import Any, Callable, Dict, Optional
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from jwt import PyJWK
from jwt.exceptions import PyJWKError

from ..json_body import parse_json_text


class KeySetUnavailableError(Exception):
    """The key set could not be fetched or read: tokens cannot be checked right now."""


class _Fetch:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.error: Optional[KeySetUnavailableError] = None
        self.started_at = 0.0


class RemoteKeySet:
    def __init__(
        self,
        url: str,
        timeout: float = 3.0,
        cooldown: float = 1.0,
        max_age: float = 600.0,
        retry_delay: float = 1.0,
        max_bytes: int = 64 * 1024,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        # The URL comes from configuration only: nothing a token says is ever fetched.
        self.url = url
        self.timeout = timeout
        self.cooldown = cooldown
        self.max_age = max_age
        self.retry_delay = retry_delay
        self.max_bytes = max_bytes
        self._now = now
        self._sleep = sleep
        self._lock = threading.Lock()
        self._keys: Optional[Dict[str, Ed25519PublicKey]] = None
        self._fetched_at = 0.0
        self._last_attempt_at = float("-inf")
        self._last_attempt_failed = False
        self._last_success_started_at = float("-inf")
        self._inflight: Optional[_Fetch] = None
        # Told of each fetch's outcome (True = fetched), for the metrics.
        self.on_fetch: Optional[Callable[[bool], None]] = None

    def get_key(self, kid: str) -> Optional[Ed25519PublicKey]:
        """The key for ``kid``, or None when a key set fetched after this call does not publish it."""
        arrived_at = self._now()
        if self._keys is None:
            self._refresh()
        elif self._now() - self._fetched_at > self.max_age and self._can_try_now():
            try:  # stale: keep using what we have if the issuer is unreachable
                self._refresh()
            except KeySetUnavailableError:
                pass
        keys = self._keys
        if keys is None:
            raise KeySetUnavailableError("the key set has not been fetched")
        key = keys.get(kid)
        if key is not None:
            return key
        # An unknown kid may be a key the issuer created after our last fetch (a rotation). Only a
        # key set requested after this call began can tell; each pass either returns, raises (a
        # failed fetch), or ends with such a key set.
        while self._last_success_started_at < arrived_at:
            if self._inflight is not None:
                self._refresh()  # joins the fetch under way
            elif self._last_attempt_failed:
                # We could not ask the issuer about this kid yet; it may be a freshly rotated key.
                if not self._can_try_now():
                    raise KeySetUnavailableError("the key set is unreachable")
                self._refresh()
            else:
                wait = self._last_attempt_at + self.cooldown - self._now()
                if wait > 0:
                    # Sleep, then look again: another caller may have fetched in the meantime.
                    self._sleep(wait)
                    continue
                self._refresh()
            fresh = (self._keys or {}).get(kid)
            if fresh is not None:
                return fresh
        # Another caller's fetch may have finished (started after our arrival) between our first
        # lookup and the loop's test: look in the key set we now have, not the one we read first.
        return (self._keys or {}).get(kid)

    def _can_try_now(self) -> bool:
        wait = self.retry_delay if self._last_attempt_failed else 0.0
        return self._now() - self._last_attempt_at >= wait

    def _refresh(self) -> None:
        with self._lock:
            fetch = self._inflight
            owner = fetch is None
            if fetch is None:
                if self._keys is None and not self._can_try_now():
                    raise KeySetUnavailableError("the key set is unreachable")
                fetch = self._inflight = _Fetch()
                fetch.started_at = self._last_attempt_at = self._now()
        if owner:
            self._load(fetch)
        else:
            fetch.done.wait()
        if fetch.error is not None:
            raise fetch.error

    def _load(self, fetch: _Fetch) -> None:
        try:
            keys = self._download()
            with self._lock:
                self._keys = keys
                self._fetched_at = self._now()
                self._last_success_started_at = fetch.started_at
                self._last_attempt_failed = False
        except Exception as error:  # noqa: BLE001 - every failure means "unavailable"
            with self._lock:
                self._last_attempt_failed = True
            fetch.error = (
                error
                if isinstance(error, KeySetUnavailableError)
                else KeySetUnavailableError(f"fetching the key set failed: {error}")
            )
        finally:
            with self._lock:
                self._inflight = None
            fetch.done.set()

    def _download(self) -> Dict[str, Ed25519PublicKey]:
        try:
            text = self._get()
        except Exception:
            if self.on_fetch is not None:
                self.on_fetch(False)
            raise
        if self.on_fetch is not None:
            self.on_fetch(True)
        try:
            body = parse_json_text(text)
        except ValueError:
            raise KeySetUnavailableError("the key set is not JSON") from None
        if not isinstance(body, dict) or not isinstance(body.get("keys"), list):
            raise KeySetUnavailableError("the key set has no keys array")
        keys: Dict[str, Ed25519PublicKey] = {}
        for jwk in body["keys"]:
            key = _ed25519_key(jwk)
            if key is not None:
                keys[jwk["kid"]] = key
        return keys

    def _get(self) -> str:
        """GET the URL within ``timeout`` in total: no redirects, no proxies, at most ``max_bytes``."""
        deadline = time.monotonic() + self.timeout
        parts = urlsplit(self.url)
        connection_class = (
            http.client.HTTPSConnection if parts.scheme.lower() == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parts.hostname or "", parts.port, timeout=self.timeout)
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.connect()
            _limit(connection, deadline)
            connection.request("GET", target, headers={"Accept": "application/json"})
            _limit(connection, deadline)
            response = connection.getresponse()
            if not 200 <= response.status < 300:
                raise KeySetUnavailableError(f"the key set answered HTTP {response.status}")
            chunks = []
            size = 0
            while True:
                _limit(connection, deadline)
                chunk = response.read1(16 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.max_bytes:
                    raise KeySetUnavailableError("the key set is too large")
                chunks.append(chunk)
            text = b"".join(chunks).decode("utf-8", "replace")
            return text[1:] if text.startswith("\ufeff") else text
        finally:
            connection.close()


def _limit(connection: http.client.HTTPConnection, deadline: float) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise KeySetUnavailableError("fetching the key set timed out")
    if connection.sock is not None:
        connection.sock.settimeout(remaining)


def _ed25519_key(jwk: Any) -> Optional[Ed25519PublicKey]:
    """Only Ed25519 public signing keys with a kid are usable for Tandem's EdDSA tokens."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        return None
    if not isinstance(jwk.get("kid"), str) or not isinstance(jwk.get("x"), str) or "d" in jwk:
        return None
    if "use" in jwk and jwk["use"] != "sig":
        return None
    if "alg" in jwk and jwk["alg"] not in ("EdDSA", "Ed25519"):
        return None
    try:
        key = PyJWK({"kty": "OKP", "crv": "Ed25519", "x": jwk["x"]}, algorithm="EdDSA").key
    except (PyJWKError, ValueError, TypeError, KeyError):
        return None  # a malformed key is skipped; the others stay usable
    return key if isinstance(key, Ed25519PublicKey) else None


