"""The facts a proposal's page carries to be cited, as a whole or item by item.

One formatter, in the browser (`assets/citation.js`), makes every citation from them: GB/T
7714—2025 for an online resource, BibTeX, RIS and CSL-JSON, with the reader's own access date
(so that a build stays reproducible) and, where the build does not know the site's address, the
page's own. A page carries only these facts (`partials/cite.html`: a few hundred bytes, whatever
the size of the site); this module makes them from the model. Nothing here depends on MkDocs.
"""

from __future__ import annotations

from . import urls
from .model import Corpus, Proposal


def citation_data(corpus: Corpus, proposal: Proposal, base: str = "") -> dict:
    """What `citation.js` formats: the proposal, its speaker and meeting, its date where the
    source gives one, its URL where the site's address (`base`) is known, and the label of each
    of its items by id."""
    meeting = corpus.meeting(proposal.meeting)
    speaker = proposal.speaker
    data = {
        "key": proposal.slug,
        "url": urls.absolute(base, urls.proposal(proposal.slug)) if base else "",
        "title": proposal.title,
        "author": speaker.name,
        "body": speaker.body,
        "role": speaker.role,
        "container": meeting.title,
        "publisher": meeting.committee,
        "reference": corpus.reference(proposal),
        "items": proposal.labels(),
    }
    if day := corpus.date_of(proposal):
        data["date"] = day.isoformat()
    return data
