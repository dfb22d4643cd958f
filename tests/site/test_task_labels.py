"""Each task checkbox is named by its item's text, whatever that text holds."""

from __future__ import annotations

import re

import markdown
import pytest

from planbook import markdown_ext


@pytest.fixture(scope="module")
def convert():
    def run(text: str) -> list[str]:
        md = markdown.Markdown(
            extensions=["pymdownx.tasklist", markdown_ext.TaskLabelsExtension()],
            extension_configs={"pymdownx.tasklist": {"custom_checkbox": True}},
        )
        html = md.convert(text)
        return re.findall(r'<input type="checkbox" aria-label="([^"]*)"', html)

    return run


@pytest.mark.parametrize(
    ("markdown_text", "names"),
    [
        (
            "- [x] Obtain Shopify API credentials\n- [ ] Build **the** client",
            ["Obtain Shopify API credentials", "Build the client"],
        ),
        ("- [ ] Parse C:\\\\x41 and \\\\u0041 paths", ["Parse C:\\x41 and \\u0041 paths"]),  # backslashes are text
        ("- [ ] Tom &amp; Jerry &lt;3 `code`", ["Tom &amp; Jerry &lt;3 code"]),
        ('- [ ] Say "hi" <b onclick="x()">now</b>', ["Say &quot;hi&quot; now"]),
        ("- [ ] Parent\n    - [x] Child", ["Parent", "Child"]),
        ("- [ ] \\[SYSTEM\\_A\\] credentials", ["[SYSTEM_A] credentials"]),
    ],
)
def test_every_checkbox_gets_its_items_text(convert, markdown_text: str, names: list[str]) -> None:
    assert convert(markdown_text) == names


def test_a_checkbox_is_cleaned_to_the_same_bytes_in_every_process() -> None:
    """nh3 adds the forced attributes in an order each process draws anew; the site must not churn."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}

    code = (
        "from planbook.html_policy import clean_plan_html;"
        'print(clean_plan_html(\'<input type="checkbox" disabled checked aria-label="x"><input>\'))'
    )
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
        for _ in range(6)
    }
    assert outputs == {
        '<input checked="" aria-label="x" type="checkbox" disabled=""><input type="checkbox" disabled="">\n'
    }
