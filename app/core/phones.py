"""Phone numbers: read as a visitor types them, kept and sent in E.164 (`+6281399998888`).

A number written without a country code (`0813-9999-8888`) is read in a region: the field's,
else the workspace's, else the DEFAULT_PHONE_REGION setting.
"""

import re

import phonenumbers
from flask import current_app, has_app_context

DEFAULT_REGION = "ID"
# longer than any real number with its separators; bounds the parser's work on a stranger's text
MAX_PHONE_TEXT = 40
NON_DIGITS = re.compile(r"\D")


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


def to_e164(text, region=None):
    """The number in E.164 when text is a valid number (national in region, or international), else None."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_PHONE_TEXT:
        return None
    try:
        number = phonenumbers.parse(text, region_for(region))
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def wa_digits(text, region=None):
    """The number as WhatsApp and wa.me want it: E.164's digits without the + (`6281399998888`)."""
    e164 = to_e164(text, region)
    return NON_DIGITS.sub("", e164) if e164 else None
