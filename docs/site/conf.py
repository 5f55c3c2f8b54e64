# Sphinx configuration of the wincontainers.gmsa docsite. scripts/build_docs.py writes the sources (antsibull-docs
# for the plugin, role and guide pages, the Markdown guides of docs/ in place of their stubs) and runs
# sphinx-build with this folder as its configuration directory. Started from `antsibull-docs sphinx-init`.
"""Sphinx settings: the antsibull-docs extension and theme, MyST for the Markdown guides, offline intersphinx."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

ROOT = Path(__file__).resolve().parents[2]
_GALAXY = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))
_EDIT = yaml.safe_load((ROOT / "docs" / "docsite" / "links.yml").read_text(encoding="utf-8"))["edit_on_github"]

project = "wincontainers.gmsa"
project_copyright = "Contributors to the wincontainers.gmsa collection"
title = "wincontainers.gmsa Collection Documentation"
html_short_title = "wincontainers.gmsa Docs"
version = release = str(_GALAXY["version"])

extensions = ["sphinx.ext.intersphinx", "sphinx_antsibull_ext", "myst_parser"]

pygments_style = "ansible"
highlight_language = "YAML+Jinja"

html_theme = "sphinx_ansible_theme"
html_show_sphinx = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False
html_theme_options = {"documentation_home_url": "index.html"}

# Only the inventory scripts/build_docs.py writes from intersphinx.yml (a path relative to the sources): the
# build needs no network and gives the same result everywhere.
intersphinx_mapping = {
    "ansible_devel": ("https://docs.ansible.com/projects/ansible/devel/", "../ansible_devel.inv"),
}

default_role = "any"
nitpicky = True

# The Markdown guides: `## Heading` anchors for links like [x](authentication.md#kerberos).
myst_heading_anchors = 3

# Links from a guide to files of the repository: a page's source in docs/docsite/rst/ links to the page, any
# other file (a playbook, docs/awx/*.yml) to the repository.
REPOSITORY_BLOB = f"https://github.com/{_EDIT['repository']}/blob/{_EDIT['branch']}/"
GUIDES_DIR = "docs"
PAGES_DIR = "docs/docsite/rst/"


def link_target(target: str) -> tuple[str, str] | None:
    """Where a relative link ``target`` written in a guide of docs/ points, if it names an existing file.

    ``("doc", "/docsite/<page>")`` for the source of a docsite page, ``("url", <repository URL>)`` for any other
    file of the repository; None for URLs, anchors and paths that exist nowhere (MyST reports those).
    """
    path, _hash, anchor = target.partition("#")
    if not path or "://" in path or path.startswith(("/", "mailto:")):
        return None
    repo_path = posixpath.normpath(posixpath.join(GUIDES_DIR, path))
    if repo_path.startswith("..") or not (ROOT / repo_path).exists():
        return None
    if repo_path.startswith(PAGES_DIR) and repo_path.endswith(".rst"):
        return "doc", "/docsite/" + repo_path[len(PAGES_DIR) : -len(".rst")]
    return "url", REPOSITORY_BLOB + repo_path + (f"#{anchor}" if anchor else "")


class RepositoryLinks(SphinxPostTransform):
    """In the Markdown guides, links to repository files become links to their page or to the repository.

    MyST leaves a link to a file that is no Markdown page as an unresolved reference (its warning fails the
    strict build); this runs before MyST's resolver (priority 9) and replaces the ones naming an existing file.
    Links to other guides resolve to their pages as usual.
    """

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        if not str(self.env.doc2path(self.env.docname)).endswith(".md"):
            return
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("reftype") != "myst" or node.get("refdomain"):
                continue
            found = link_target(node["reftarget"])
            if found is None:
                continue
            kind, target = found
            if kind == "url":
                replacement = nodes.reference("", "", *node.children, refuri=target, internal=False)
            else:
                replacement = addnodes.pending_xref(
                    "", *node.children, refdomain="std", reftype="doc", reftarget=target, refexplicit=True
                )
                replacement["refdoc"] = self.env.docname
            node.replace_self(replacement)


def setup(app: Any) -> dict[str, Any]:
    app.add_post_transform(RepositoryLinks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
