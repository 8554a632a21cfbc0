"""Secrets at rest: Fernet encryption with rotating keys from SECRETS_KEYS."""

import json
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

# every Fernet token starts with its version byte 0x80, base64 "gAAAAA"
TOKEN_PREFIX = "gAAAAA"


def instance_secrets_key(instance_path):
    """Return the instance's generated Fernet key, creating it on first use."""
    path = Path(instance_path) / "secrets_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode())
        path.chmod(0o600)
    return path.read_text().strip()


def build_box(keys):
    """A MultiFernet over keys (newest first): encrypts with keys[0], decrypts with any."""
    if not keys:
        raise ValueError("at least one secrets key is needed")
    return MultiFernet([Fernet(key) for key in keys])


def init_app(app):
    """Bind the key ring to app, from SECRETS_KEYS or the instance's own key."""
    keys = app.config.get("SECRETS_KEYS") or [instance_secrets_key(app.config["INSTANCE_PATH"])]
    app.extensions["secrets_box"] = build_box(keys)


def _box():
    return current_app.extensions["secrets_box"]


def encrypt(text):
    return _box().encrypt(text.encode()).decode()


def decrypt(token):
    """Decrypt a stored value; a value stored before encryption was on reads as itself."""
    if not token.startswith(TOKEN_PREFIX):
        return token
    try:
        return _box().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise InvalidToken("a stored secret cannot be decrypted with any key in SECRETS_KEYS") from exc


class EncryptedText(TypeDecorator):
    """A text column stored as a Fernet token."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)


class EncryptedJSON(TypeDecorator):
    """A JSON value stored as one Fernet token (header values can hold credentials)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(json.dumps(value, sort_keys=True))

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(decrypt(value))
