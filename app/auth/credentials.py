"""Checking an email and password with the same hashing work whether or not the account exists."""

import secrets
from functools import cache

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.core.extensions import db
from app.models import User


@cache
def dummy_password_hash():
    """A hash made as real ones are (same method and cost) of a password nobody knows."""
    return generate_password_hash(secrets.token_urlsafe(24))


def user_with_password(email, password):
    """The user whose email and password these are, or None.

    An unknown email is hashed against a dummy, so the answer takes as long either way
    and its timing does not tell which addresses have accounts.
    """
    user = db.session.scalar(select(User).where(User.email == email))
    matches = check_password_hash(user.password_hash if user is not None else dummy_password_hash(), password)
    return user if user is not None and matches else None
