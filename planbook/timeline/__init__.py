"""A plan's phase timeline, drawn once for the site's plan page and the export (`svg`), and in words
for readers without pictures (`words`)."""

from planbook.timeline.svg import timeline_figure, timeline_svg
from planbook.timeline.words import timeline_table

__all__ = ["timeline_figure", "timeline_svg", "timeline_table"]
