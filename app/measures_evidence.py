"""What a measure's status rests on, and the measures' texts, in the reader's language. Pure: no Streamlit.

Used by the Agreed measures page, the Briefing's meeting view and the country profiles, so a status reads
the same everywhere: from the build, the documents and paragraphs that say so (`citation`: document, its
language, paragraph) and what they say (`evidence`); from an editor, the note and source typed.
"""
from __future__ import annotations

import pandas as pd

from app.i18n import _, in_language, language_name

# The texts of the measures' frames that the build keeps in three languages.
TEXT_COLUMNS = ("title", "organiser", "participants", "source", "description", "category", "meeting_title",
                "measure_title", "evidence")


def localised(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame of `app.queries.measures` with its texts in the reader's language (English kept as `<name>_en`;
    `typed_only` marks rows with a text an editor typed, which has no translation)."""
    return in_language(frame, *(column for column in TEXT_COLUMNS if column in frame.columns))


def category_labels(frame: pd.DataFrame) -> dict[str, str]:
    """English category (what filters and links hold) -> its name in the reader's language."""
    return dict(zip(frame["category_en"], frame["category"]))


def citation(document_id, paragraphs, documents: pd.DataFrame) -> str:
    """ "Dunyo news agency report on … 7 May 2020 (Russian), paragraph 13", in the reader's language."""
    if not isinstance(document_id, str) or not document_id:
        return ""
    found = documents[documents["document_id"] == document_id]
    if found.empty:
        return document_id
    document = localised(found).iloc[0]
    words = {"document": document["title"], "language": language_name(document["language"]),
             "numbers": paragraphs}
    if "," in str(paragraphs):
        return _("{document} ({language}), paragraphs {numbers}").format(**words)
    return _("{document} ({language}), paragraph {numbers}").format(**words)


def what_it_says(row) -> str:
    """What the documents say for a status from the build (in the reader's language), or the editor's note."""
    evidence = row.get("evidence") if hasattr(row, "get") else getattr(row, "evidence", None)
    note = row.get("note") if hasattr(row, "get") else getattr(row, "note", None)
    if isinstance(evidence, str) and evidence:
        return evidence
    return note if isinstance(note, str) else ""


def source_of(row, documents: pd.DataFrame) -> str:
    """Where a status comes from: the documents and paragraphs (build), or the source an editor typed."""
    get = row.get if hasattr(row, "get") else (lambda name: getattr(row, name, None))
    cited = [citation(get("evidence_document"), get("evidence_paragraphs"), documents)]
    if get("parties_document") and (get("parties_document"), get("parties_paragraphs")) != (
            get("evidence_document"), get("evidence_paragraphs")):
        cited.append(_("states taking part: {where}").format(
            where=citation(get("parties_document"), get("parties_paragraphs"), documents)))
    cited = [text for text in cited if text]
    return "; ".join(cited) if cited else (get("source") or "")


def recorded_by(row) -> str:
    """Who recorded a status: the editor, or the database build for the statuses from the documents."""
    get = row.get if hasattr(row, "get") else (lambda name: getattr(row, name, None))
    if get("origin") == "build" or (get("row_key") or "").startswith("build:"):
        return _("database build, from the meeting documents")
    return get("recorded_by") or ""


def evidence_export(frame: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The evidence of each status as columns of an export: what it says, then document, language, paragraphs."""
    languages = dict(zip(documents["document_id"], documents["language"]))
    titles = dict(zip(documents["document_id"], localised(documents)["title"])) if not documents.empty else {}

    def column(name, values):
        return [values.get(v, v) if isinstance(v, str) else "" for v in frame[name]]

    return pd.DataFrame({
        _("What the record says"): [what_it_says(row) for _index, row in frame.iterrows()],
        _("Document"): column("evidence_document", titles),
        _("Document language"): [language_name(languages[v]) if v in languages else ""
                                 for v in frame["evidence_document"]],
        _("Paragraphs"): frame["evidence_paragraphs"].fillna("").to_numpy(),
        _("States taking part named in"): column("parties_document", titles),
        _("Paragraphs naming them"): frame["parties_paragraphs"].fillna("").to_numpy(),
    }, index=frame.index)
