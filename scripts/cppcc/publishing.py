"""Atomic output: a build is written beside the site and swapped into its place only at the end."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from .builder import NAME, CountHandler, MkDocsConfig


class StagedSite:
    """Atomic output: the build writes into a sibling folder that replaces `site_dir` only once
    everything, strict mode included, has succeeded; a failed build leaves the old site as it was.
    """

    def __init__(self, config: MkDocsConfig):
        self.config, self.final = config, Path(config.site_dir)
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.stage = Path(tempfile.mkdtemp(prefix=f".{self.final.name}.new-", dir=self.final.parent))
        self.stage.chmod(self.final.stat().st_mode if self.final.exists() else 0o755)
        self.warnings = CountHandler(level=logging.WARNING)
        logging.getLogger(NAME).addHandler(self.warnings)
        config.site_dir = str(self.stage)

    def publish(self) -> bool:
        """Swap the staged site into place, unless strict mode is about to abort the build."""
        if self.config.strict and self.warnings.get_counts():
            self.discard()
            return False
        old = self.final.with_name(f"{self.stage.name}.old")
        if self.final.exists():
            self.final.rename(old)
        self.stage.rename(self.final)
        shutil.rmtree(old, ignore_errors=True)
        self.discard()
        return True

    def discard(self) -> None:
        logging.getLogger(NAME).removeHandler(self.warnings)
        shutil.rmtree(self.stage, ignore_errors=True)
        self.config.site_dir = str(self.final)
