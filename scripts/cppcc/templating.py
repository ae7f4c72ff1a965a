"""The Jinja environment of our pages: templates shipped in the package (`templates/`), each of
which a site may override by a file of the same name in its override folder (for MkDocs, the
theme's `custom_dir`, under `cppcc/`). Autoescaping is on; text from the YAML goes through `esc`.
No MkDocs here.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import Markup

OVERRIDES = "cppcc"  # the folder of our templates' overrides, in the site's override folder


def environment(overrides: Path | None = None) -> Environment:
    from .rendering import esc  # the one escaping of our pages

    loaders = [FileSystemLoader(overrides / OVERRIDES)] if overrides else []
    env = Environment(loader=ChoiceLoader([*loaders, PackageLoader("cppcc", "templates")]),
                      autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=False)
    env.filters["esc"] = lambda text: Markup(esc(str(text)))
    return env
