"""Verifies Better Auth access tokens: EdDSA only, keys only from the configured JWKS, exact issuer
and audience, ``exp``/``iat``/``sub`` required, an explicit clock tolerance and a maximum age.

The checks run in the order jose runs them for the TypeScript API (apps/api/src/auth/verifier.ts),
so both backends refuse a bad token with the same ``error_description``. A token that passes them
must then also pass PyJWT's own ``jwt.decode`` with the same rules: two independent verifications.
Header fields that point at keys (``jku``, ``x5u``, ``jwk``, ``x5c``) are never used, and an
unknown ``crit`` extension is refused.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional, Tuple

import jwt
from cryptography.exceptions import InvalidSignature

from ..json_body import decode_utf8, parse_json_text
from ..validation import utf16_length
from .key_set import KeySetUnavailableError, RemoteKeySet

# Upper bound on a compact JWS we are willing to parse; real Tandem tokens are ~400 bytes.
MAX_TOKEN_LENGTH = 4096
COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
# One amr value (RFC 8176 names are short ASCII words), at most 16 of them; auth_time in the years
# 1970-9999, so it is always an instant the API can write. As apps/api/src/auth/verifier.ts.
AMR_VALUE = re.compile(r"[\x21-\x7e]{1,32}")
MAX_AMR_VALUES = 16
MAX_AUTH_TIME = 253_402_300_799


@dataclass(frozen=True)
class Identity:
    """Who is calling, as proven by a verified access token (apps/api/src/auth/identity.ts)."""

    user_id: str
    session_id: Optional[str]  # Better Auth session id, for the revocation check; None for a PAT
    name: Optional[str]
    expires_at: float
    # How the user signed in (RFC 8176 values, the JWT's amr): empty when the token says nothing,
    # and always for a personal access token, which proves no sign-in.
    amr: Tuple[str, ...] = ()
    auth_time: Optional[int] = None  # when the user signed in, epoch seconds (auth_time)
    via: str = "session"  # "session" (the web app's JWT) or "access_token" (a PAT)
    scope: Optional[str] = None  # a PAT's scope, "read" or "write"; None for a session
    token_id: Optional[str] = None  # a PAT's row id


class InvalidTokenError(Exception):
    """The token was refused; the message is safe to show the client (it never echoes the token)."""


INVALID = "The access token is invalid"


def _b64url(segment: str) -> bytes:
    if len(segment) % 4 == 1:
        raise InvalidTokenError(INVALID)
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise InvalidTokenError(INVALID) from None


def _json_object(segment: str) -> dict:
    try:
        value = parse_json_text(decode_utf8(_b64url(segment)))
    except ValueError:
        raise InvalidTokenError(INVALID) from None
    if not isinstance(value, dict):
        raise InvalidTokenError(INVALID)
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_MISSING = {
    "iss": "The access token has the wrong issuer",
    "aud": "The access token has the wrong audience",
    "iat": "The access token's issue time is invalid",
    "sub": "The access token lacks the sub claim",
    "exp": "The access token lacks the exp claim",
}


class Verifier:
    """
    >>> verifier = Verifier(RemoteKeySet(url), issuer, audience, clock_tolerance_seconds=5)
    >>> verifier.verify(token).user_id
    """

    def __init__(
        self,
        key_set: RemoteKeySet,
        issuer: str,
        audience: str,
        clock_tolerance_seconds: float,
        max_token_age_seconds: float = 24 * 60 * 60,
        now: Callable[[], float] = time.time,
    ):
        self.key_set = key_set
        self.issuer = issuer
        self.audience = audience
        self.tolerance = clock_tolerance_seconds
        self.max_age = max_token_age_seconds
        self._now = now

    def verify(self, token: str) -> Identity:
        """The caller's identity; raises InvalidTokenError or KeySetUnavailableError."""
        if len(token) > MAX_TOKEN_LENGTH or not COMPACT_JWS.fullmatch(token):
            raise InvalidTokenError("The access token is malformed")
        encoded_header, encoded_payload, encoded_signature = token.split(".")
        header = _json_object(encoded_header)
        b64 = _check_crit(header)
        alg = header.get("alg")
        if not isinstance(alg, str) or alg != "EdDSA":
            raise InvalidTokenError(INVALID)
        # Better Auth sets no typ; one that is present must say JWT (RFC 7519 5.1), so a token minted
        # for another purpose (at+jwt, dpop+jwt, ...) by a trusted key is never an access token here.
        typ = header.get("typ")
        if "typ" in header and not (isinstance(typ, str) and typ.lower() in ("jwt", "application/jwt")):
            raise InvalidTokenError("The token is not a JWT")
        kid = header.get("kid")
        if not isinstance(kid, str) or not 0 < utf16_length(kid) <= 256:
            raise InvalidTokenError("The token names no usable signing key")
        key = self.key_set.get_key(kid)  # may raise KeySetUnavailableError (→ 503)
        if key is None:
            raise InvalidTokenError("The token's signing key is unknown")
        signature = _b64url(encoded_signature)
        try:
            key.verify(signature, f"{encoded_header}.{encoded_payload}".encode("ascii"))
        except InvalidSignature:
            raise InvalidTokenError("The access token's signature is invalid") from None
        if not b64:
            raise InvalidTokenError(INVALID)  # JWTs must not use an unencoded payload
        claims = _json_object(encoded_payload)
        self._check_claims(claims)
        identity = _identity(claims)
        self._second_opinion(token, key)
        return identity

    def _check_claims(self, claims: dict) -> None:
        for claim in ("iss", "aud", "iat", "sub", "exp"):
            if claim not in claims:
                raise InvalidTokenError(_MISSING[claim])
        if not (isinstance(claims["iss"], str) and claims["iss"] == self.issuer):
            raise InvalidTokenError("The access token has the wrong issuer")
        aud = claims["aud"]
        if not (aud == self.audience if isinstance(aud, str) else isinstance(aud, list) and self.audience in aud):
            raise InvalidTokenError("The access token has the wrong audience")
        now = math.floor(self._now())
        iat = claims["iat"]
        if not _is_number(iat):
            raise InvalidTokenError("The access token's issue time is invalid")
        if "nbf" in claims:
            nbf = claims["nbf"]
            if not _is_number(nbf) or nbf > now + self.tolerance:
                raise InvalidTokenError("The access token is not valid yet")
        exp = claims["exp"]
        if not _is_number(exp):
            raise InvalidTokenError(INVALID)
        if exp <= now - self.tolerance:
            raise InvalidTokenError("The access token expired")
        age = now - iat
        if age - self.tolerance > self.max_age:
            raise InvalidTokenError("The access token expired")
        if age < -self.tolerance:
            raise InvalidTokenError("The access token's issue time is invalid")

    def _second_opinion(self, token: str, key: Any) -> None:
        try:
            jwt.decode(
                token,
                key,
                algorithms=["EdDSA"],
                issuer=self.issuer,
                audience=self.audience,
                leeway=self.tolerance,
                options={"require": ["exp", "iat", "sub"]},
            )
        except Exception:  # noqa: BLE001 - any refusal (or oddity) is a refusal
            raise InvalidTokenError(INVALID) from None


def _check_crit(header: dict) -> bool:
    """jose's crit rules: only the ``b64`` extension is understood. Returns the b64 value."""
    if "crit" not in header:
        return True
    crit = header["crit"]
    if not isinstance(crit, list) or not crit or any(not isinstance(p, str) or p == "" for p in crit):
        raise InvalidTokenError(INVALID)
    for parameter in crit:
        if parameter != "b64" or parameter not in header:
            raise InvalidTokenError(INVALID)
    if not isinstance(header["b64"], bool):
        raise InvalidTokenError(INVALID)
    return header["b64"]


def _amr_ok(amr: Any) -> bool:
    return (
        isinstance(amr, list)
        and len(amr) <= MAX_AMR_VALUES
        and all(isinstance(v, str) and AMR_VALUE.fullmatch(v) is not None for v in amr)
    )


def _auth_time_ok(value: Any) -> bool:
    # zod's .int(): a number with no fraction (5.0 is 5), within the safe range.
    return _is_number(value) and math.isfinite(value) and float(value).is_integer() and 0 <= value <= MAX_AUTH_TIME


def _identity(claims: dict) -> Identity:
    sub, exp = claims["sub"], claims["exp"]
    sid, name = claims.get("sid"), claims.get("name")
    amr, auth_time = claims.get("amr"), claims.get("auth_time")
    # The TypeScript API's zod ClaimsSchema, which measures strings in code points.
    well_formed = (
        isinstance(sub, str)
        and 1 <= len(sub) <= 255
        and _is_number(exp)
        and math.isfinite(exp)
        and ("sid" not in claims or (isinstance(sid, str) and 1 <= len(sid) <= 255))
        and ("name" not in claims or (isinstance(name, str) and len(name) <= 1000))
        and ("amr" not in claims or _amr_ok(amr))
        and ("auth_time" not in claims or _auth_time_ok(auth_time))
    )
    if not well_formed:
        raise InvalidTokenError("The access token's claims are malformed")
    return Identity(
        user_id=sub,
        session_id=sid,
        name=name,
        expires_at=exp,
        amr=tuple(amr) if "amr" in claims else (),
        auth_time=int(auth_time) if "auth_time" in claims else None,
    )


__all__ = ["Identity", "InvalidTokenError", "KeySetUnavailableError", "Verifier"]
