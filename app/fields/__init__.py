"""Field types: one module per type defines its settings, input, answer, page partial, CSV cell and schema.

Adding a type is one module here (a FieldType subclass decorated with @register), its name in
BUILT_IN, one partial in templates/public/fields/<name>.html, and its test.
"""

import importlib

from app.fields.registry import UnknownFieldType, field_type, register, type_names, types, unregister

# the builder offers the types in this order
BUILT_IN = (
    "text", "email", "number", "textarea", "select", "radio", "checkbox", "date", "phone", "url",
    "rating", "scale", "consent", "statement", "page_break", "hidden", "file",
)

for _name in BUILT_IN:
    importlib.import_module(f"app.fields.{_name}")

__all__ = ["BUILT_IN", "UnknownFieldType", "field_type", "register", "type_names", "types", "unregister"]
