"""What the first page a chair opens needs, filled once when the server starts (`serve.py`), before it answers.

The first visit after a start would otherwise pay for importing the libraries, opening the build and building
the Briefing's topics (queries, figures, numbers in the reader's language): several times what a minimal page
costs. Filled here into the same shared caches the pages read (`app.cached`), for every language. Nothing here
draws or writes; a build that cannot be read is left for the page to explain.
"""
from __future__ import annotations

import logging
import time

log = logging.getLogger("ots.dashboard")


def first_page() -> None:
    """The Briefing's topics, figures and meetings in every language, as its default view reads them."""
    started = time.perf_counter()
    try:
        from app import db, editions, i18n, ui
        from app.queries import common
        from app.views import briefing

        db.check_available()
        for language in i18n.LANGUAGES:
            with i18n.speaking(language):
                editions.choice_label(editions.LATEST, (common.STOCK, common.WDI))
                for topic in briefing.topics(False, editions.LATEST):
                    if topic.figure is not None:
                        ui.localise(topic.figure)
                meetings = briefing.meetings()
                briefing.meeting_label(meetings)
                if not meetings.empty:  # the latest, which a link without ?meeting= shows
                    briefing.meeting_pack_items(meetings["meeting_id"].iloc[0])
    except Exception:  # noqa: BLE001 - the page says what is wrong with the build; the server starts anyway
        log.warning("the first page's caches could not be filled at start", exc_info=True)
        return
    log.info("the first page's caches filled in %.1f s", time.perf_counter() - started)
