"""Two builders: MkDocs 1.6 and ProperDocs 1.6, its maintained fork, make the same site byte for
byte but for the generator tag; on each, parallel theming (`cppcc.theming`) makes exactly the
bytes of the builder's own one-page-at-a-time loop."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from bench.harness import build_site, run_build
from cppcc import parallel, theming
from generate_corpus import generate, make_project

BUILDERS = ["mkdocs", "properdocs"]
GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)">')
PROPOSALS = parallel.MANY  # pages enough to be themed in forked workers


def contents(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def generator_tag(builder: str) -> bytes:
    """What Material writes into every page's generator tag (`mkdocs_version` in the template
    context, which ProperDocs sets to "ProperDocs <version>")."""
    made_by = version("mkdocs") if builder == "mkdocs" else f"ProperDocs {version('properdocs')}"
    return f"mkdocs-{made_by}, mkdocs-material-{version('mkdocs-material')}".encode()


def differences(one: dict[str, bytes], two: dict[str, bytes]) -> list[str]:
    return sorted(name for name in one.keys() | two.keys() if one.get(name) != two.get(name))


def assert_same_but_for_the_generator_tag(mk: dict[str, bytes], pd: dict[str, bytes]) -> None:
    pages = sorted(name for name in mk if name.endswith(".html"))
    assert differences(mk, pd) == pages  # every page, and nothing else
    for name in pages:
        assert GENERATOR.findall(mk[name]) == [generator_tag("mkdocs")], name
        assert GENERATOR.findall(pd[name]) == [generator_tag("properdocs")], name
        assert GENERATOR.sub(b"", mk[name]) == GENERATOR.sub(b"", pd[name]), name


@pytest.fixture(scope="module")
def properdocs_project(tmp_path_factory) -> Path:
    """A copy of the repository's project, built by ProperDocs into its `site/`."""
    root = tmp_path_factory.mktemp("properdocs") / "project"
    root.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("docs", "proposals"):
        shutil.copytree(Path(__file__).resolve().parents[1] / folder, root / folder)
    build_site(root / "site", root / "mkdocs.yml", builder="properdocs")
    return root


def test_both_builders_make_the_real_site_but_for_the_generator_tag(site_dir, properdocs_project):
    mk, pd = contents(site_dir), contents(properdocs_project / "site")
    assert {"proposals.json", "recommendations.csv", "sitemap.xml.gz"} <= set(mk)
    assert any(name.startswith("search/cppcc/") for name in mk), "no search index was built"
    assert_same_but_for_the_generator_tag(mk, pd)


def test_a_strict_warning_of_properdocs_leaves_the_old_site(properdocs_project, tmp_path):
    """ProperDocs logs its own warnings under `properdocs`, not `mkdocs`: they are counted too,
    so strict mode does not swap a failed build into place."""
    root = tmp_path / "project"
    shutil.copytree(properdocs_project, root)
    before = contents(root / "site")
    path = root / "proposals" / "rule-of-law.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("执法工作机制需要完善,",
                                                             "执法工作机制需要完善(新),"),
                    encoding="utf-8")
    (root / "docs" / "stray.md").write_text("[dead](missing.md)\n", encoding="utf-8")
    done = run_build(root / "site", root / "mkdocs.yml", builder="properdocs")
    assert done.returncode != 0, done.stderr
    assert "'missing.md'" in done.stderr
    assert contents(root / "site") == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")) == []


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Builds of one generated corpus, made when first asked for: (builder, prerender) → files.
    Our search is off, so that Material's search plugin indexes our pages: another plugin sees
    them as before."""
    tmp = tmp_path_factory.mktemp("generated")
    corpus = generate(tmp / "proposals", PROPOSALS, seed=2, meeting_count=2)
    text = make_project(tmp / "project", corpus).read_text(encoding="utf-8")
    sites: dict[tuple[str, bool], dict[str, bytes]] = {}

    def site(builder: str, prerender: bool) -> dict[str, bytes]:
        if (builder, prerender) not in sites:
            options = r"\n\1search: false" + ("" if prerender else r"\n\1prerender: false")
            config = tmp / "project" / f"{builder}-{prerender}.yml"
            config.write_text(re.sub(r"(?m)^(\s*)proposals_dir: (.*)$",
                                     rf"\1proposals_dir: \2{options}", text), encoding="utf-8")
            assert config.read_text(encoding="utf-8").count("search: false") == 1
            dest = tmp / f"site-{builder}-{prerender}"
            sites[builder, prerender] = contents(build_site(dest, config, builder=builder))
        return sites[builder, prerender]

    return site


@pytest.mark.parametrize("builder", BUILDERS)
def test_parallel_theming_makes_the_bytes_of_the_builders_own_loop(builder, generated):
    assert theming.mirrored(builder, version(builder)), f"{builder} {version(builder)}"
    assert PROPOSALS >= parallel.MANY and parallel.can_fork()
    themed, looped = generated(builder, prerender=True), generated(builder, prerender=False)
    assert len([name for name in themed if name.endswith("/index.html")]) > PROPOSALS
    assert "search/search_index.json" in themed
    assert differences(themed, looped) == []


def test_both_builders_make_the_generated_site_but_for_the_generator_tag(generated):
    assert_same_but_for_the_generator_tag(generated("mkdocs", True), generated("properdocs", True))


def test_theming_mirrors_only_the_builders_it_names():
    assert theming.mirrored("mkdocs", "1.6.1") and theming.mirrored("properdocs", "1.6.7")
    assert not theming.mirrored("mkdocs", "2.0.0")
    assert not theming.mirrored("zensical", "1.6.0")


@pytest.mark.parametrize("builder", BUILDERS)
def test_the_builder_module_imports_the_running_builder(builder):
    """Under ProperDocs (whose command line makes `mkdocs.*` resolve to `properdocs.*`) the
    package's one import of the builder gets ProperDocs, and its loggers are those counted."""
    code = ("import properdocs.replacement\n" if builder == "properdocs" else "") + (
        "from cppcc import builder, publishing\n"
        "import mkdocs.config.defaults as defaults\n"
        "print(builder.NAME, builder.VERSION, publishing.MkDocsConfig is defaults.MkDocsConfig,"
        " builder.get_context.__module__)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [builder, version(builder), "True", f"{builder}.commands.build"]
