"""The HTML planbook writes itself goes back where its markers stand, each block in its own place."""

from __future__ import annotations

from planbook.trusted_html import TrustedHtml


def test_a_page_with_many_held_blocks_gets_each_block_back_in_its_place() -> None:
    """Marker 1 was a prefix of marker 10: with 11 blocks, the tenth came back as the second and a `0`."""
    trusted = TrustedHtml()
    markers = [trusted.hold(f'<span class="pb-badge">block {index}</span>') for index in range(12)]
    page = "".join(
        f"<p>{marker}</p>\n" if index % 2 else f"<li>{marker}</li>\n" for index, marker in enumerate(markers)
    )
    restored = trusted.restore(page)
    assert restored == "".join(
        f'<span class="pb-badge">block {index}</span>\n'
        if index % 2
        else f'<li><span class="pb-badge">block {index}</span></li>\n'
        for index in range(12)
    )


def test_held_html_that_spells_a_marker_is_not_searched_again() -> None:
    trusted = TrustedHtml()
    first = trusted.hold("<b>one</b>")
    second = trusted.hold(f"<i>{first}</i>")  # never written by planbook; restore must not recurse into it
    assert trusted.restore(f"{second} {first}") == f"<i>{first}</i> <b>one</b>"


def test_a_marker_of_another_render_is_not_restored() -> None:
    ours, theirs = TrustedHtml(), TrustedHtml()
    forged = theirs.hold("<script>alert(1)</script>")
    ours.hold("<b>ours</b>")
    assert ours.restore(f"<p>{forged}</p>") == f"<p>{forged}</p>"
