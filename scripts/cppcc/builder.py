"""The one place that imports the site builder: MkDocs 1.6, or ProperDocs 1.6, its maintained fork.

ProperDocs is MkDocs 1.6 under the package name `properdocs`, with the same API. Its command line
makes every `mkdocs.*` import resolve to `properdocs.*` (`properdocs.replacement`), and it loads
plugins and themes registered for MkDocs (`mkdocs.plugins`, `mkdocs.themes`), so the plugin and
Material run on it unchanged. Here the same redirection is made where no builder runs yet and only
ProperDocs is installed (a test, a script), so that the rest of the package imports one API from
one place whichever builder is there.
"""

from __future__ import annotations

import sys
from importlib.util import find_spec

if "mkdocs" not in sys.modules and find_spec("mkdocs") is None:
    import properdocs.replacement  # noqa: F401 - from here on, mkdocs.* is properdocs.*

import mkdocs
from mkdocs.commands.build import get_context
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import CountHandler

NAME = mkdocs.__name__  # "mkdocs" or "properdocs": the builder's package, and its root logger
VERSION = mkdocs.__version__

__all__ = ["NAME", "VERSION", "Abort", "BasePlugin", "CombinedEvent", "Config", "CountHandler", "File",
           "Files", "InclusionLevel", "MkDocsConfig", "Page", "PluginError", "config_options",
           "event_priority", "get_context", "get_toc"]
