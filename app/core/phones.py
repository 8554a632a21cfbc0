"""Phone regions: the region a number written without a country code (`0813-9999-8888`) is read in.

The workspace's setting, else the DEFAULT_PHONE_REGION setting.
"""

import phonenumbers
from flask import current_app, has_app_context

DEFAULT_REGION = "ID"


def regions():
    """Every region code phonenumbers knows (`ID`, `MY`, `US`, …), sorted."""
    return sorted(phonenumbers.SUPPORTED_REGIONS)


def is_valid_region(code):
    return isinstance(code, str) and code in phonenumbers.SUPPORTED_REGIONS


def clean_region(code):
    """An upper-cased region code when phonenumbers knows it, else None."""
    code = code.strip().upper() if isinstance(code, str) else None
    return code if is_valid_region(code) else None


def default_region():
    """The DEFAULT_PHONE_REGION setting (ID when unset or unknown)."""
    configured = current_app.config.get("DEFAULT_PHONE_REGION") if has_app_context() else None
    return clean_region(configured) or DEFAULT_REGION


def region_for(*choices):
    """The first valid region of choices (field, workspace…), else the setting's default."""
    for code in choices:
        cleaned = clean_region(code)
        if cleaned:
            return cleaned
    return default_region()
