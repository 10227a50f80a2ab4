"""Field-level encryption of personal data with one key per person (crypto-shredding).

Each person's data key (DEK) is random, wrapped with the service's master key (KEK) and stored
apart from the data; the personal fields are one AES-GCM blob bound to the person's id.
Destroying the wrapped DEK makes every copy of the blob unreadable wherever no copy of that wrapped
DEK survives: the live database, and backups taken without the person_keys table. A backup that
holds person_keys from before the erasure still opens the blob with the master key, until that
backup is destroyed or expires (or the master key is rotated and the old one destroyed). Searches
use keyed hashes (blind indexes), never plaintext."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE = 12


class VaultError(Exception):
    """Personal data cannot be read: the key is gone (erased) or the blob was tampered with."""


@dataclass(frozen=True)
class Sealed:
    wrapped_key: bytes
    blob: bytes


class Vault:
    """Seals and opens personal data; holds the master and index keys, never a person's key."""

    def __init__(self, master_key: bytes, index_key: bytes) -> None:
        if len(master_key) != 32 or len(index_key) < 32:
            raise ValueError("master key must be 32 bytes and index key at least 32 bytes")
        self._kek = AESGCM(master_key)
        self._index_key = index_key

    def seal(self, beneficiary_id: UUID, personal: dict[str, Any]) -> Sealed:
        """A new data key for the person, wrapped, and their personal fields encrypted with it."""
        dek = AESGCM.generate_key(bit_length=256)
        aad = beneficiary_id.bytes
        return Sealed(wrapped_key=_encrypt(self._kek, dek, aad), blob=_encrypt(AESGCM(dek), _dumps(personal), aad))

    def reseal(self, beneficiary_id: UUID, wrapped_key: bytes, personal: dict[str, Any]) -> bytes:
        """Encrypt a corrected version of the fields with the person's existing key."""
        dek = self._unwrap(beneficiary_id, wrapped_key)
        return _encrypt(AESGCM(dek), _dumps(personal), beneficiary_id.bytes)

    def open(self, beneficiary_id: UUID, wrapped_key: bytes | None, blob: bytes) -> dict[str, Any]:
        if wrapped_key is None:
            raise VaultError("the person's key was destroyed: personal data is erased")
        dek = self._unwrap(beneficiary_id, wrapped_key)
        return json.loads(_decrypt(AESGCM(dek), blob, beneficiary_id.bytes))

    def blind_index(self, kind: str, value: str) -> bytes:
        """A keyed hash for exact-match search of `value`; `kind` keeps indexes apart."""
        return hmac.new(self._index_key, f"{kind}\x00{value}".encode(), hashlib.sha256).digest()

    def _unwrap(self, beneficiary_id: UUID, wrapped_key: bytes) -> bytes:
        return _decrypt(self._kek, wrapped_key, beneficiary_id.bytes)


def _encrypt(aead: AESGCM, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + aead.encrypt(nonce, plaintext, aad)


def _decrypt(aead: AESGCM, sealed: bytes, aad: bytes) -> bytes:
    try:
        return aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], aad)
    except Exception:
        raise VaultError("personal data could not be decrypted") from None


def _dumps(personal: dict[str, Any]) -> bytes:
    return json.dumps(personal, separators=(",", ":"), default=str).encode()
