"""Phone numbers with phonenumbers: checked, and written in E.164 or as WhatsApp's digits.

A number written without a country code (`0813-9999-8888`) is read in a region: the workspace's
setting, else the DEFAULT_PHONE_REGION setting.
"""

import phonenumbers
from flask import current_app, has_app_context

DEFAULT_REGION = "ID"
# longer than any number with its separators and an extension: not worth parsing
MAX_TYPED = 64


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


def parse(text, region=None):
    """The valid number text is (`0813-9999-8888` read in region, `+62 813…` anywhere), else None."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TYPED:
        return None
    try:
        number = phonenumbers.parse(text, region_for(region))
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def e164(text, region=None):
    """text as E.164 (`+6281399998888`), or None when it is not a valid number."""
    number = parse(text, region)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else None


def wa_digits(text, region=None):
    """text as WhatsApp wants it (wa.me links, the Cloud API's `to`): E.164 digits without the +."""
    formatted = e164(text, region)
    return formatted[1:] if formatted else None


def example(region=None):
    """A mobile number of region as its people write it (`0812-345-678`), for error messages."""
    number = phonenumbers.example_number_for_type(region_for(region), phonenumbers.PhoneNumberType.MOBILE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL) if number else "+62 812 3456 789"
