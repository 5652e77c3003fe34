"""What a snapshot of a chart carries besides its data: title, source, licence, data date, filters, caveat.

Every text already in the reader's language: the export knows no Streamlit and no language.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class ChartMeta:
    """What a snapshot must carry besides the data: all texts already in the reader's language."""

    title: str
    source: str
    licence: str = ""
    data_date: str = ""
    filters: tuple[tuple[str, str], ...] = field(default=())
    caveat: str = ""
    slug: str = "chart"

    def provenance_line(self, labels: dict[str, str] | None = None) -> str:
        labels = labels or {}
        parts = [self.title, f"{labels.get('source', 'Source')}: {self.source}"]
        if self.licence:
            parts.append(f"{labels.get('licence', 'Licence')}: {self.licence}")
        if self.data_date:
            parts.append(f"{labels.get('data', 'Data')}: {self.data_date}")
        if self.filters:
            parts.append(f"{labels.get('filters', 'Filters')}: " + "; ".join(f"{k}: {v}" for k, v in self.filters))
        parts.append(f"{labels.get('exported', 'Exported')}: {date.today().isoformat()}")
        return " | ".join(parts)
