"""Signed checkpoints of the log's chain head (pure: no Flask, no database).

A checkpoint says "entry `number` of incident `incident` has hash `hash`",
signed at `at` with an Ed25519 key that is kept outside the database. Whoever
can write the database can recompute the whole chain, but cannot sign a new
head: a rewritten chain no longer matches an earlier checkpoint, and a cut
tail leaves a checkpoint pointing beyond the last entry.

The signed bytes are the canonical JSON of (incident, number, hash, at); the
signature is base64. The key's fingerprint is the SHA-256 of its raw public
bytes, so an archive or a report names the key that signed it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIGNED_FIELDS = ("incident", "number", "hash", "at")


class SigningKeyError(Exception):
    """A key file that cannot be read or is not an Ed25519 key."""


def generate_key_file(path: str | os.PathLike[str]) -> Ed25519PrivateKey:
    """Write a new private key (PEM, PKCS#8, mode 0600) to `path`, which must not exist."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    return key


def load_private_key(path: str | os.PathLike[str]) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as e:
        raise SigningKeyError(f"{path}: cannot read the signing key ({e})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path}: not an Ed25519 private key")
    return key


def load_public_key(path: str | os.PathLike[str]) -> Ed25519PublicKey:
    """A public key PEM, or the public half of a private key PEM."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise SigningKeyError(f"{path}: cannot read the key ({e})") from None
    if b"PRIVATE KEY" in data:
        return load_private_key(path).public_key()
    try:
        return load_public_key_bytes(data)
    except SigningKeyError as e:
        raise SigningKeyError(f"{path}: {e}") from None


def load_public_key_bytes(data: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as e:
        raise SigningKeyError(f"cannot read the public key ({e})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError("not an Ed25519 public key")
    return key


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def payload(*, incident: int, number: int, hash: str, at: str) -> bytes:
    data = {"incident": incident, "number": number, "hash": hash, "at": at}
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign_head(key: Ed25519PrivateKey, *, incident: int, number: int, hash: str, at: str) -> dict[str, Any]:
    """The checkpoint as stored and published: the signed fields, the key's fingerprint, the signature."""
    sig = key.sign(payload(incident=incident, number=number, hash=hash, at=at))
    return {
        "incident": incident,
        "number": number,
        "hash": hash,
        "at": at,
        "key": fingerprint(key.public_key()),
        "signature": base64.b64encode(sig).decode("ascii"),
    }


def signature_valid(key: Ed25519PublicKey, checkpoint: dict[str, Any]) -> bool:
    """True when `checkpoint` (as `sign_head` returns it) was signed by `key`."""
    try:
        data = payload(
            incident=int(checkpoint["incident"]),
            number=int(checkpoint["number"]),
            hash=str(checkpoint["hash"]),
            at=str(checkpoint["at"]),
        )
        key.verify(base64.b64decode(str(checkpoint["signature"]), validate=True), data)
    except (KeyError, ValueError, TypeError, InvalidSignature):
        return False
    return True


def sign_bytes(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """A raw 64-byte Ed25519 signature (the archive's manifest.sig; `openssl pkeyutl -verify -rawin` reads it)."""
    return key.sign(data)


def bytes_valid(key: Ed25519PublicKey, data: bytes, signature: bytes) -> bool:
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


class CheckpointProblem(NamedTuple):
    number: int
    reason: str


def check_against_chain(
    checkpoint: dict[str, Any],
    key: Ed25519PublicKey | Sequence[Ed25519PublicKey],
    hashes: dict[int, str],
    last_number: int,
) -> CheckpointProblem | None:
    """One checkpoint against the stored chain (`hashes`: number -> hash of the entries it names).

    `key` may be several keys (the current one and those it replaced): a signature by any of them counts.
    """
    number = int(checkpoint.get("number", 0))
    keys = [key] if isinstance(key, Ed25519PublicKey) else list(key)
    if not any(signature_valid(k, checkpoint) for k in keys):
        return CheckpointProblem(
            number,
            f"the checkpoint signed at {checkpoint.get('at')} has no valid signature by the configured key "
            "(forged, altered or swapped checkpoint)",
        )
    if number > last_number:
        return CheckpointProblem(
            number,
            f"a checkpoint signed at {checkpoint['at']} covers entry {number}, "
            f"but the log ends at entry {last_number} (entries removed: shortened chain)",
        )
    if number > 0 and hashes.get(number) != checkpoint["hash"]:
        return CheckpointProblem(
            number,
            f"its hash differs from the one signed at {checkpoint['at']} (the chain was rewritten)",
        )
    return None
