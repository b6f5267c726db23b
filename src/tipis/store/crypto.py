"""Encryption of personal fields at rest: AES-256-GCM with a key the operator holds.

The key comes from ``TIPIS_SECRET_KEY`` or a key file that ``tipis init`` creates with mode
0600. Each sealed value is bound to its row (associated data), so a ciphertext copied onto
another person's row does not decrypt. Neither the key nor a plaintext is ever put in a log,
an exception message or a repr.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_FORMAT_V1 = b"\x01"
_NONCE_BYTES = 12
KEY_BYTES = 32


class SecretKeyError(ValueError):
    """The secret key is missing, malformed or unsafe. Never carries the key itself."""


class DecryptionError(ValueError):
    """A sealed value could not be opened: wrong key, or the value was tampered with."""


class SecretKey:
    """A 32-byte master key. Derives separate keys for encryption and pseudonyms."""

    __slots__ = ("_cipher", "_pseudonym_key")

    def __init__(self, raw: bytes) -> None:
        if len(raw) != KEY_BYTES:
            raise SecretKeyError(f"the secret key must be {KEY_BYTES} bytes (got {len(raw)})")
        self._cipher = AESGCM(_derive(raw, b"tipis personal fields v1"))
        self._pseudonym_key = _derive(raw, b"tipis pseudonyms v1")

    def __repr__(self) -> str:
        return "SecretKey(<withheld>)"

    def seal(self, plaintext: bytes, bound_to: bytes) -> bytes:
        """Encrypt ``plaintext``; ``bound_to`` (e.g. the row id) must match on opening."""
        nonce = os.urandom(_NONCE_BYTES)
        return _FORMAT_V1 + nonce + self._cipher.encrypt(nonce, plaintext, bound_to)

    def open(self, sealed: bytes, bound_to: bytes) -> bytes:
        if not sealed.startswith(_FORMAT_V1) or len(sealed) < 1 + _NONCE_BYTES + 16:
            raise DecryptionError("sealed value has an unknown format")
        nonce, body = sealed[1 : 1 + _NONCE_BYTES], sealed[1 + _NONCE_BYTES :]
        try:
            return self._cipher.decrypt(nonce, body, bound_to)
        except InvalidTag:
            raise DecryptionError(
                "a personal field could not be decrypted: the secret key differs from the one "
                "it was written with, or the stored value was altered"
            ) from None

    def pseudonym(self, value: bytes, prefix: str = "P") -> str:
        """A stable pseudonymous identifier: keyed, so it cannot be reversed without the key."""
        mac = hmac.digest(self._pseudonym_key, value, "sha256")
        return f"{prefix}-{mac[:10].hex().upper()}"  # 80 bits: no collision in any real store


def _derive(raw: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose).derive(raw)


def new_key_text() -> str:
    """A fresh random key, as text for an environment variable or key file."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def key_from_text(text: str) -> SecretKey:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        raise SecretKeyError(
            "the secret key is not valid base64; create one with `tipis init` "
            "or `python -c 'import tipis.store.crypto as c; print(c.new_key_text())'`"
        ) from None
    return SecretKey(raw)


def create_key_file(path: Path) -> None:
    """Write a new key file readable by its owner only. Refuses to overwrite an existing key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        descriptor = os.open(path, flags, 0o600)
    except FileExistsError:
        raise SecretKeyError(
            f"{path} already exists; refusing to replace a key that may protect data"
        ) from None
    with os.fdopen(descriptor, "w") as handle:
        handle.write(new_key_text() + "\n")


def load_key_file(path: Path) -> SecretKey:
    if not path.exists():
        raise SecretKeyError(f"no secret key: {path} does not exist; run `tipis init` first")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretKeyError(
            f"{path} is readable by other users (mode {oct(mode)}); run `chmod 600 {path}`"
        )
    return key_from_text(path.read_text())
