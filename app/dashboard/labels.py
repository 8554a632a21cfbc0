"""Stored codes (a field type, a delivery status) as the page's language names them."""

from flask_babel import lazy_gettext

from app.dashboard import bp
from app.fields import UnknownFieldType, field_type
from app.services import disabled_reasons

DELIVERY_STATUS_NAMES = {
    "pending": lazy_gettext("pending"),
    "succeeded": lazy_gettext("succeeded"),
    "retrying": lazy_gettext("retrying"),
    "failed": lazy_gettext("failed"),
    "skipped": lazy_gettext("skipped"),
}


@bp.app_template_global()
def field_type_label(name):
    """A field type's name for people (`Short text`), or its code when unknown."""
    try:
        return field_type(name).label
    except UnknownFieldType:
        return name


@bp.app_template_global()
def status_label(status):
    """A delivery status in the page's language (the stored and API value stays English)."""
    return DELIVERY_STATUS_NAMES.get(status, status)


@bp.app_template_filter("disabled_reason")
def disabled_reason_label(reason):
    """Why a webhook is off, in the page's language and the workspace's zone."""
    return disabled_reasons.reason_text(reason)
