"""Argon2id password hashing (argon2-cffi), with cheap parameters only under test."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_default = PasswordHasher()
# Test-only parameters: hashing dominates test time otherwise. Still Argon2id.
_fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
# Verified against when the username does not exist, so timing does not reveal which accounts exist.
_dummy_hashes = {}
# Stored for an account that signs in by one-time code only: no password can ever match it.
NO_PASSWORD = "!"  # noqa: S105 - a marker, not a password


def _hasher():
    return _fast if current_app.config.get("ARGON2_FAST") else _default


def hash_password(password):
    """Return the Argon2id hash of a password."""
    return _hasher().hash(password)


def verify_password(stored_hash, password):
    """Return whether the password matches; a missing hash is verified against a dummy to equalize time."""
    hasher = _hasher()
    if stored_hash == NO_PASSWORD:
        stored_hash = None
    if stored_hash is None and id(hasher) not in _dummy_hashes:
        _dummy_hashes[id(hasher)] = hasher.hash("not-a-real-password")
    try:
        return hasher.verify(stored_hash or _dummy_hashes[id(hasher)], password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash):
    """Return whether a hash was made with outdated parameters."""
    return _hasher().check_needs_rehash(stored_hash)
