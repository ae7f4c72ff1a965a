"""Page HTML from Jinja templates: the package's own (`templates/`), each of which a site may
override with a file of the same name under `cppcc/` in its theme's custom_dir
(`docs/overrides/cppcc/proposal.html`), a folder of its own beside the theme's partials.

Whatever a template prints is escaped (autoescape, and always as `esc` escapes), unless it is
markup a template made itself; a name the context lacks is an error, never an empty string.
Our pages are Markdown documents of raw HTML blocks, each on one line with a blank line between
them: templates keep to that with `trim_blocks`, `lstrip_blocks` and `{%- -%}`.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
)
from markupsafe import Markup

OVERRIDES = "cppcc"  # the folder of our templates' overrides in the theme's custom_dir


def esc(text: str) -> str:
    """Escape text for HTML; newlines become character references so a block stays one line,
    and tabs too, which Python-Markdown would otherwise expand into spaces."""
    return (escape(text, quote=True).replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#9;"))


# What markupsafe, which autoescape calls, escapes otherwise than `esc` (&, < and > alike)
_NOT_AS_ESC = re.compile("[\"'\r\n\t]")


def _escaped(value):
    """What a template prints (before autoescape sees it): markup as it is, text that markupsafe
    would escape otherwise than `esc` as escaped by `esc`, other text for markupsafe (faster)."""
    if hasattr(value, "__html__"):
        return value
    text = str(value)
    return Markup(esc(text)) if _NOT_AS_ESC.search(text) else text


def _esc_filter(value) -> Markup:
    """The `esc` filter (also `e` and `escape`): text escaped as `esc` escapes it, markup as it is."""
    return value if hasattr(value, "__html__") else Markup(esc(str(value)))


class RenderError(Exception):
    """A template that cannot be read or rendered, told in one line: `file:line: problem`."""


def _where(error: TemplateError) -> str:
    """The template file and line an error arose at, as Jinja's rewritten traceback tells it."""
    if isinstance(error, TemplateSyntaxError):
        return f"{error.filename or error.name}:{error.lineno}"
    tb, where = error.__traceback__, ""
    while tb:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".html"):
            where = f"{name}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where or "template"


class Templates:
    """The one Jinja environment of a build, with every shipped template compiled at once (before
    pages are made on several cores, which then share them)."""

    def __init__(self, overrides: Path | None = None, **globals_):
        shipped = PackageLoader("cppcc", "templates")
        loaders = [FileSystemLoader(Path(overrides) / OVERRIDES)] if overrides else []
        self.env = Environment(loader=ChoiceLoader([*loaders, shipped]), autoescape=True,
                               undefined=StrictUndefined, finalize=_escaped, trim_blocks=True,
                               lstrip_blocks=True, auto_reload=False, cache_size=-1)
        self.env.filters.update(esc=_esc_filter, e=_esc_filter, escape=_esc_filter)
        # `tojson` (HTML-safe JSON, for data blocks): UTF-8 as it is, keys in their order, compact
        self.env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False,
                                                  "separators": (",", ":")}
        self.env.globals.update(globals_)
        try:
            for name in shipped.list_templates():
                self.env.get_template(name)
        except TemplateError as error:
            raise RenderError(f"{_where(error)}: {error.message}") from None

    def render(self, name: str, **context) -> str:
        try:
            return self.env.get_template(name).render(context)
        except TemplateError as error:
            raise RenderError(f"{_where(error)}: {error.message}") from None
