"""A form's theme: a few strictly checked values, turned into CSS custom properties by us.

The owner never writes CSS: every value is matched against a pattern or a short list, and
the stylesheet text is composed here, so nothing typed can close a rule or load a resource.
"""

import re

from flask_babel import lazy_gettext as _l

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# system font stacks only: a hosted page never loads a font from anywhere
FONTS = {
    "system": ('system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",sans-serif', _l("System (sans-serif)")),
    "humanist": ('Seravek,"Gill Sans Nova",Ubuntu,Calibri,"DejaVu Sans",source-sans-pro,sans-serif',
                 _l("Humanist")),
    "rounded": ('ui-rounded,"Hiragino Maru Gothic ProN",Quicksand,Comfortaa,Manjari,"Arial Rounded MT",'
                'Calibri,source-sans-pro,sans-serif', _l("Rounded")),
    "serif": ('Charter,"Bitstream Charter","Sitka Text",Cambria,Georgia,serif', _l("Serif")),
    "mono": ('ui-monospace,"Cascadia Code","Source Code Pro",Menlo,Consolas,"DejaVu Sans Mono",monospace',
             _l("Monospace")),
}
MODES = {"light": _l("Light"), "dark": _l("Dark")}
MAX_RADIUS = 24
DEFAULT_THEME = {"accent": "#3b4fd8", "background": "#f4f6fb", "font": "system", "radius": 12, "mode": "light"}
THEME_KEYS = tuple(DEFAULT_THEME)


def _colour(value):
    return value.lower() if isinstance(value, str) and HEX_COLOUR.match(value) else None


def _check(name, value):
    """The clean value of one theme setting, or None when it is not acceptable."""
    if name in ("accent", "background"):
        return _colour(value)
    if name == "font":
        return value if isinstance(value, str) and value in FONTS else None
    if name == "mode":
        return value if isinstance(value, str) and value in MODES else None
    if name == "radius":
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_RADIUS
        return value if ok else None
    return None


def problem(name):
    """What a value of the theme setting name must be, in words."""
    return {
        "accent": _l("must be a colour written #rrggbb"),
        "background": _l("must be a colour written #rrggbb"),
        "font": _l("must be one of %(names)s", names=", ".join(FONTS)),
        "mode": _l("must be light or dark"),
        "radius": _l("must be a whole number of pixels from 0 to %(max)s", max=MAX_RADIUS),
    }.get(name, _l("is not a theme setting"))


def clean_theme(data, base=None, path="theme"):
    """Return (theme, {path.name: message}): data's settings over base (the defaults when None)."""
    theme = dict(base or DEFAULT_THEME)
    if not isinstance(data, dict):
        return theme, {path: str(_l("must be an object or null"))}
    errors = {}
    for name, value in data.items():
        clean = _check(name, value) if name in THEME_KEYS else None
        if clean is None:
            errors[f"{path}.{name}"] = str(problem(name))
        else:
            theme[name] = clean
    return theme, errors


def effective_theme(form_theme, workspace_theme):
    """The theme a form is shown in: its own, else its workspace's, else the built-in one.

    A stored theme is read through the same checks, so a value that is no longer accepted
    falls back to the default instead of reaching the page.
    """
    theme = dict(DEFAULT_THEME)
    for layer in (workspace_theme, form_theme):
        if isinstance(layer, dict):
            for name in THEME_KEYS:
                clean = _check(name, layer.get(name))
                if clean is not None:
                    theme[name] = clean
    return theme


def _rgb(colour):
    return tuple(int(colour[index:index + 2], 16) for index in (1, 3, 5))


def _luminance(colour):
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [value / 255 for value in _rgb(colour)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def readable_on(colour):
    """Black or white, whichever is easier to read on colour (the button's text on the accent)."""
    light = _luminance(colour)
    return "#ffffff" if (1.05 / (light + 0.05)) >= ((light + 0.05) / 0.05) else "#111111"


def _shade(colour, factor):
    return "#" + "".join(f"{round(value * factor):02x}" for value in _rgb(colour))


def css_variables(theme):
    """The :root rule that applies theme; composed only from checked values."""
    red, green, blue = _rgb(theme["accent"])
    values = {
        "--accent": theme["accent"],
        "--accent-dark": _shade(theme["accent"], 0.8),
        "--accent-text": readable_on(theme["accent"]),
        "--accent-ring": f"rgba({red},{green},{blue},.25)",
        "--bg": theme["background"],
        "--radius": f"{theme['radius']}px",
        "--font": FONTS[theme["font"]][0],
    }
    return ":root{" + ";".join(f"{name}:{value}" for name, value in values.items()) + "}"


def font_choices():
    return [(name, label) for name, (_stack, label) in FONTS.items()]


def mode_choices():
    return list(MODES.items())
