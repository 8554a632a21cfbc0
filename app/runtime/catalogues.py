"""The message catalogues: extract our strings, update `en`/`id`, and check that none is missing.

`python -m app.runtime.catalogues update` (make translations) refreshes both catalogues from the
source; `check` lists every message that is missing, untranslated, fuzzy, stale or whose
placeholders differ from the English, and exits non-zero when there is one.
"""

import copy
import re
import sys
from configparser import ConfigParser
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from app.core.config import REPO_ROOT
from app.core.i18n import LANGUAGES, TRANSLATIONS_DIR

KEYWORDS = {
    "_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
    "lazy_gettext": None, "_l": None, "lazy_ngettext": (1, 2), "lazy_pgettext": ((1, "c"), 2),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|\{(\w*)\}")
SOURCE_LANGUAGE = "en"


def _method_map(config_path):
    parser = ConfigParser()
    parser.read(config_path)
    methods, options = [], {}
    for section in parser.sections():
        method, pattern = (part.strip() for part in section.split(":", 1))
        methods.append((pattern, method))
        options[pattern] = dict(parser.items(section))
    return methods, options


def extract(root=REPO_ROOT):
    """Every translatable string in the source, as a template catalogue."""
    methods, options = _method_map(Path(root) / "babel.cfg")
    template = Catalog(project="Formhook", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), methods, options, keywords=KEYWORDS, strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def catalogue_path(locale, directory=None):
    return Path(directory or TRANSLATIONS_DIR) / locale / "LC_MESSAGES" / "messages.po"


def load(path):
    with open(path, "rb") as handle:
        return read_po(handle, abort_invalid=True)


def save(catalog, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        write_po(handle, catalog, omit_header=False, no_location=True, sort_output=True,
                 ignore_obsolete=True, width=100)


def _new_catalogue(locale):
    catalog = Catalog(locale=locale, project="Formhook", version="1", fuzzy=False,
                      copyright_holder="Formhook", msgid_bugs_address="", last_translator="Formhook")
    catalog.header_comment = f"# {catalog.locale.english_name} messages of Formhook."
    return catalog


def _is_translated(message):
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def _placeholders(text):
    texts = text if isinstance(text, tuple) else (text,)
    return {name for piece in texts for match in PLACEHOLDER.finditer(piece or "") for name in match.groups() if name}


def update(directory=None, template=None):
    """Bring both catalogues in line with the source; English is its own translation."""
    directory = directory or TRANSLATIONS_DIR
    for locale in LANGUAGES:
        path = catalogue_path(locale, directory)
        catalog = load(path) if path.exists() else _new_catalogue(locale)
        created = catalog.creation_date
        # A fresh template per locale: update() adopts the template's message objects.
        catalog.update(copy.deepcopy(template) if template else extract(),
                       no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        catalog.creation_date = created  # no header churn between runs
        if locale == SOURCE_LANGUAGE:
            for message in catalog:
                if message.id and not _is_translated(message):
                    message.string = message.id
        save(catalog, path)


def problems(directory=None, template=None):
    """What stops the catalogues from being complete, one line per message."""
    directory = directory or TRANSLATIONS_DIR
    template = template or extract()
    found = []
    for locale in LANGUAGES:
        path = catalogue_path(locale, directory)
        if not path.exists():
            found.append(f"{locale}: no catalogue at {path}")
            continue
        catalog = load(path)
        for message in template:
            if not message.id:
                continue
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            translated = catalog.get(message.id, message.context)
            if translated is None:
                found.append(f"{locale}: missing {key!r}")
            elif translated.fuzzy:
                found.append(f"{locale}: fuzzy {key!r}")
            elif not _is_translated(translated):
                found.append(f"{locale}: untranslated {key!r}")
            elif _placeholders(translated.string) != _placeholders(message.id):
                found.append(f"{locale}: placeholders differ in {key!r}")
        for message in catalog:
            if message.id and template.get(message.id, message.context) is None:
                key = message.id[0] if isinstance(message.id, tuple) else message.id
                found.append(f"{locale}: stale {key!r} (no longer in the source; run make translations)")
    return found


def main(argv):
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
        command = "check"
    if command == "check":
        found = problems()
        for line in found:
            print(line)
        print(f"{len(found)} catalogue problem(s)" if found else "catalogues complete")
        return 1 if found else 0
    print("usage: python -m app.runtime.catalogues [update|check]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
