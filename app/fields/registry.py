"""The field types by name, in the order the builder offers them."""

_TYPES = {}


class UnknownFieldType(KeyError):
    """No field type has this name."""


def register(cls):
    """Register a FieldType subclass under its name (a class decorator); return the class."""
    _TYPES[cls.name] = cls()
    return cls


def unregister(name):
    """Forget a type (tests that register one of their own clean up with this)."""
    _TYPES.pop(name, None)


def field_type(name):
    """The FieldType registered as name; UnknownFieldType when there is none."""
    try:
        return _TYPES[name]
    except KeyError:
        raise UnknownFieldType(name) from None


def type_names():
    """Every registered type's name, in registration order."""
    return tuple(_TYPES)


def types():
    """Every registered FieldType, in registration order."""
    return tuple(_TYPES.values())
