"""The verifier against real Ed25519 keys and a JWKS served over HTTP: every refusal is the
defence at work (the control token passes), and each answers jose's words."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tandem_api.auth.key_set import KeySetUnavailableError, RemoteKeySet
from tandem_api.auth.verifier import InvalidTokenError, Verifier

from .support import AUDIENCE, ISSUER, JwksServer, KeyPair, b64url

SKEW = 30


def make_verifier(server: JwksServer, **options: float) -> Verifier:
    return Verifier(
        RemoteKeySet(server.url, timeout=1.0, retry_delay=0.05, **options),
        issuer=ISSUER,
        audience=AUDIENCE,
        clock_tolerance_seconds=SKEW,
    )


def refused(verifier: Verifier, token: str) -> str:
    with pytest.raises(InvalidTokenError) as caught:
        verifier.verify(token)
    return str(caught.value)


def test_a_real_token_gives_its_subject_session_and_name(jwks: JwksServer, keys: KeyPair) -> None:
    identity = make_verifier(jwks).verify(keys.token(sub="user-7", sid="s-7", name="Grace"))
    assert (identity.user_id, identity.session_id, identity.name) == ("user-7", "s-7", "Grace")
    assert jwks.requests == 1


def test_tampered_tokens_are_refused(jwks: JwksServer, keys: KeyPair) -> None:
    verifier = make_verifier(jwks)
    token = keys.token()
    header, payload, signature = token.split(".")
    forged_payload = b64url(json.dumps({**jwt.decode(token, options={"verify_signature": False}), "sub": "admin"}).encode())
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert refused(verifier, f"{header}.{forged_payload}.{signature}") == "The access token's signature is invalid"
    assert refused(verifier, f"{header}.{payload}.{flipped}") == "The access token's signature is invalid"
    assert refused(verifier, f"{header}.{payload}.{b64url(bytes(64))}") == "The access token's signature is invalid"
    assert refused(verifier, f"{header}.{payload}.{signature[:20]}") == "The access token's signature is invalid"


def test_another_key_under_the_real_kid_is_refused(jwks: JwksServer, keys: KeyPair) -> None:
    attacker = KeyPair(Ed25519PrivateKey.generate(), keys.kid)
    assert refused(make_verifier(jwks), attacker.token()) == "The access token's signature is invalid"


@pytest.mark.parametrize("alg", ["none", "None", "HS256", "RS256", "ES256", "Ed25519", "eddsa", ""])
def test_only_eddsa_is_accepted(jwks: JwksServer, keys: KeyPair, alg: str) -> None:
    token = keys.sign_raw({"alg": alg, "kid": keys.kid}, jwt.decode(keys.token(), options={"verify_signature": False}))
    assert refused(make_verifier(jwks), token) == "The access token is invalid"


def test_hs256_signed_with_the_public_key_is_refused(jwks: JwksServer, keys: KeyPair) -> None:
    secret = base64.urlsafe_b64decode(keys.public_jwk["x"] + "=")
    claims = jwt.decode(keys.token(), options={"verify_signature": False})
    token = jwt.encode(claims, secret, algorithm="HS256", headers={"kid": keys.kid})
    assert refused(make_verifier(jwks), token) == "The access token is invalid"


@pytest.mark.parametrize("kid", [1, None, "", "k" * 300, ["x"], {"kid": "x"}])
def test_a_kid_that_is_not_a_usable_string_is_refused_without_fetching(jwks: JwksServer, keys: KeyPair, kid: object) -> None:
    verifier = make_verifier(jwks)
    claims = jwt.decode(keys.token(), options={"verify_signature": False})
    assert refused(verifier, keys.sign_raw({"alg": "EdDSA", "kid": kid}, claims)) == "The token names no usable signing key"
    assert jwks.requests == 0


def test_key_urls_and_embedded_keys_in_the_header_are_never_used(keys: KeyPair) -> None:
    rogue_key = KeyPair.generate()
    rogue = JwksServer({"keys": [rogue_key.public_jwk]})
    real = JwksServer({"keys": [keys.public_jwk]})
    try:
        verifier = make_verifier(real)
        for field in ("jku", "x5u"):
            token = rogue_key.token(header={field: rogue.url})
            assert refused(verifier, token) == "The token's signing key is unknown"
        embedded = rogue_key.token(header={"jwk": rogue_key.public_jwk, "kid": keys.kid})
        assert refused(verifier, embedded) == "The access token's signature is invalid"
        assert rogue.requests == 0
    finally:
        rogue.close()
        real.close()


def test_an_unknown_critical_header_is_refused(jwks: JwksServer, keys: KeyPair) -> None:
    verifier = make_verifier(jwks)
    assert refused(verifier, keys.token(header={"crit": ["tandem-admin"], "tandem-admin": True})) == "The access token is invalid"
    claims = jwt.decode(keys.token(), options={"verify_signature": False})
    unencoded = keys.sign_raw({"alg": "EdDSA", "kid": keys.kid, "crit": ["b64"], "b64": False}, claims)
    assert refused(verifier, unencoded) == "The access token is invalid"
    # The one extension jose understands, used as the standard says, is accepted.
    encoded = keys.sign_raw({"alg": "EdDSA", "kid": keys.kid, "crit": ["b64"], "b64": True}, claims)
    assert verifier.verify(encoded).user_id == "user-1"


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"iss": "https://evil.example"}, "The access token has the wrong issuer"),
        ({"iss": ISSUER + "/"}, "The access token has the wrong issuer"),
        ({"iss": ...}, "The access token has the wrong issuer"),
        ({"aud": "other-api"}, "The access token has the wrong audience"),
        ({"aud": ["other-api", AUDIENCE + "-admin"]}, "The access token has the wrong audience"),
        ({"aud": ...}, "The access token has the wrong audience"),
        ({"sub": ...}, "The access token lacks the sub claim"),
        ({"exp": ...}, "The access token lacks the exp claim"),
        ({"iat": ...}, "The access token's issue time is invalid"),
        ({"iat": "yesterday"}, "The access token's issue time is invalid"),
        ({"exp": "never"}, "The access token is invalid"),
        ({"sub": ""}, "The access token's claims are malformed"),
        ({"sub": "u" * 300}, "The access token's claims are malformed"),
        ({"sub": 42}, "The access token's claims are malformed"),
        ({"sid": None}, "The access token's claims are malformed"),
        ({"name": 7}, "The access token's claims are malformed"),
    ],
)
def test_claims(jwks: JwksServer, keys: KeyPair, claims: dict, message: str) -> None:
    assert refused(make_verifier(jwks), keys.token(claims)) == message


def test_times_are_checked_with_the_configured_skew(jwks: JwksServer, keys: KeyPair) -> None:
    verifier = make_verifier(jwks)
    now = int(time.time())
    assert verifier.verify(keys.token(iat=now - 300, exp=now - (SKEW - 20))).user_id == "user-1"
    assert refused(verifier, keys.token(iat=now - 300, exp=now - (SKEW + 60))) == "The access token expired"
    assert verifier.verify(keys.token(nbf=now + SKEW - 20)).user_id == "user-1"
    assert refused(verifier, keys.token(nbf=now + SKEW + 60)) == "The access token is not valid yet"
    assert verifier.verify(keys.token(iat=now + SKEW - 20)).user_id == "user-1"
    assert refused(verifier, keys.token(iat=now + SKEW + 60)) == "The access token's issue time is invalid"
    # Older than the 24 h maximum age, though exp is still ahead.
    assert refused(verifier, keys.token(iat=now - 25 * 3600, exp=now + 600)) == "The access token expired"


@pytest.mark.parametrize(
    "token",
    ["", "not-a-jwt", "a.b", "a.b.c.d", "a.b.c!", "x" * 5000, "a..c", " a.b.c"],
)
def test_malformed_tokens_are_refused_before_any_fetch(jwks: JwksServer, token: str) -> None:
    verifier = make_verifier(jwks)
    assert refused(verifier, token) == "The access token is malformed"
    assert jwks.requests == 0


def test_a_header_or_payload_that_is_not_a_json_object_is_refused(jwks: JwksServer, keys: KeyPair) -> None:
    verifier = make_verifier(jwks)
    header, payload, signature = keys.token().split(".")
    for bad in ['"EdDSA"', "[]", "null", "{", "\u00ff\u00fe", "NaN"]:
        assert refused(verifier, f"{b64url(bad.encode())}.{payload}.{signature}") == "The access token is invalid"
    for bad in ['"x"', "[]", "null", "{", '{"exp": NaN}']:
        token = keys.sign_raw({"alg": "EdDSA", "kid": keys.kid}, "placeholder")
        head = token.split(".")[0]
        signing_input = f"{head}.{b64url(bad.encode())}"
        signed = f"{signing_input}.{b64url(keys.private.sign(signing_input.encode()))}"
        assert refused(verifier, signed) == "The access token is invalid"


# The key set: fail closed, recover, share fetches, refetch unknown kids at most once per cooldown.


@pytest.mark.parametrize("typ", ["at+jwt", "dpop+jwt", "JWS", "logout+jwt", 1])  # PyJWT drops an empty typ
def test_a_typ_other_than_jwt_is_refused(jwks: JwksServer, keys: KeyPair, typ: object) -> None:
    assert refused(make_verifier(jwks), keys.token(header={"typ": typ})) == "The token is not a JWT"


@pytest.mark.parametrize("typ", ["JWT", "jwt", "application/jwt"])
def test_a_jwt_typ_is_accepted(jwks: JwksServer, keys: KeyPair, typ: str) -> None:
    assert make_verifier(jwks).verify(keys.token(header={"typ": typ})).user_id == "user-1"


@pytest.mark.parametrize(
    "behaviour",
    [("reset",), ("status", 500, "down"), ("status", 200, "<html>"), {}, ("stall-body",), ("delay", 5, {"keys": []})],
)
def test_a_cold_cache_that_cannot_fetch_fails_closed(keys: KeyPair, behaviour: object) -> None:
    server = JwksServer(behaviour)
    try:
        started = time.monotonic()
        with pytest.raises(KeySetUnavailableError):
            make_verifier(server).verify(keys.token())
        assert time.monotonic() - started < 4  # the 1 s timeout ended the wait, not the server
    finally:
        server.close()


def test_a_refused_connection_fails_closed(keys: KeyPair) -> None:
    server = JwksServer({"keys": []})
    url = server.url
    server.close()
    verifier = Verifier(RemoteKeySet(url, timeout=1.0), ISSUER, AUDIENCE, 5)
    with pytest.raises(KeySetUnavailableError):
        verifier.verify(keys.token())


def test_only_ed25519_keys_are_used(keys: KeyPair) -> None:
    server = JwksServer({"keys": [{"kty": "RSA", "kid": keys.kid, "n": "AQAB", "e": "AQAB"}, {**keys.public_jwk, "use": "enc"}]})
    try:
        assert refused(make_verifier(server), keys.token()) == "The token's signing key is unknown"
    finally:
        server.close()


def test_failures_are_not_cached_and_recovery_needs_no_restart(keys: KeyPair) -> None:
    server = JwksServer(("reset",))
    try:
        verifier = make_verifier(server)
        for attempt in (1, 2, 3):
            with pytest.raises(KeySetUnavailableError):
                verifier.verify(keys.token())
            assert server.requests == attempt
            time.sleep(0.1)  # the retry delay is 0.05 s
        server.behaviour = {"keys": [keys.public_jwk]}
        assert verifier.verify(keys.token()).user_id == "user-1"
    finally:
        server.close()


def test_a_warm_cache_keeps_working_while_the_jwks_is_down(jwks: JwksServer, keys: KeyPair) -> None:
    verifier = make_verifier(jwks, max_age=0.0)
    assert verifier.verify(keys.token()).user_id == "user-1"
    jwks.behaviour = ("reset",)
    time.sleep(0.1)
    assert verifier.verify(keys.token(sub="user-2")).user_id == "user-2"
    assert jwks.requests >= 2  # the stale set was refreshed, the refresh failed, the keys still work


class FakeClock:
    """A monotonic clock that only moves when the key set sleeps, so cooldowns are crossed exactly."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def clocked_verifier(jwks: JwksServer, clock: FakeClock, cooldown: float = 1.0) -> Verifier:
    key_set = RemoteKeySet(jwks.url, timeout=1.0, retry_delay=0.05, cooldown=cooldown, now=lambda: clock.now, sleep=clock.sleep)
    return Verifier(key_set, issuer=ISSUER, audience=AUDIENCE, clock_tolerance_seconds=SKEW)


def test_the_default_cooldown_is_one_second_as_in_the_ts_api(jwks: JwksServer) -> None:
    assert RemoteKeySet(jwks.url).cooldown == 1.0


def test_a_key_rotated_in_right_after_a_fetch_waits_out_the_cooldown_and_is_never_refused(
    jwks: JwksServer, keys: KeyPair
) -> None:
    clock = FakeClock()
    verifier = clocked_verifier(jwks, clock)
    assert verifier.verify(keys.token()).user_id == "user-1"
    clock.now += 0.25
    rotated = KeyPair.generate()
    jwks.behaviour = {"keys": [keys.public_jwk, rotated.public_jwk]}
    assert verifier.verify(rotated.token()).user_id == "user-1"
    assert clock.slept == [0.75]  # waited for the next allowed fetch instead of answering "unknown"
    assert jwks.requests == 2


def test_an_unknown_kid_after_the_cooldown_refetches_once_without_waiting(jwks: JwksServer, keys: KeyPair) -> None:
    clock = FakeClock()
    verifier = clocked_verifier(jwks, clock)
    assert verifier.verify(keys.token()).user_id == "user-1"
    clock.now += 5
    assert refused(verifier, KeyPair.generate().token()) == "The token's signing key is unknown"
    assert clock.slept == []
    assert jwks.requests == 2


def test_kid_spraying_costs_at_most_one_fetch_per_cooldown(jwks: JwksServer, keys: KeyPair) -> None:
    clock = FakeClock()
    verifier = clocked_verifier(jwks, clock)
    assert verifier.verify(keys.token()).user_id == "user-1"
    started = clock.now
    for _ in range(5):
        clock.now += 0.1  # each token arrives a little after the previous answer
        assert refused(verifier, KeyPair.generate().token()) == "The token's signing key is unknown"
    elapsed = clock.now - started
    assert jwks.requests - 1 <= elapsed / 1.0 + 1e-9  # one fetch per cooldown at most
    assert jwks.requests == 6  # and each unknown kid was checked against a key set newer than itself


def test_concurrent_unknown_kids_share_one_refetch(jwks: JwksServer, keys: KeyPair) -> None:
    import concurrent.futures

    verifier = make_verifier(jwks, cooldown=0.3)
    assert verifier.verify(keys.token()).user_id == "user-1"
    rotated = KeyPair.generate()
    jwks.behaviour = {"keys": [keys.public_jwk, rotated.public_jwk]}
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: verifier.verify(rotated.token(sub=f"user-{i}")).user_id, range(8)))
    assert results == [f"user-{i}" for i in range(8)]
    assert jwks.requests == 2


def test_concurrent_callers_on_a_cold_cache_share_one_fetch(keys: KeyPair) -> None:
    import concurrent.futures

    server = JwksServer(("delay", 0.2, {"keys": [keys.public_jwk]}))
    try:
        verifier = make_verifier(server)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda i: verifier.verify(keys.token(sub=f"user-{i}")).user_id, range(8)))
        assert results == [f"user-{i}" for i in range(8)]
        assert server.requests == 1
    finally:
        server.close()
