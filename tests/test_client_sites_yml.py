"""`client-sites.yml` and `planbook sites`: what the deploy workflow's matrix of client sites is made from."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from planbook.client_sites import SitesError, read_client_sites

CLIENTS = ["Northwind Outfitters Ltd.", "Brightleaf Learning", "Cascade Coffee Roasters"]


def sites_file(tmp_path, text: str):
    path = tmp_path / "client-sites.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_client_sites_yml_lists_the_sites(tmp_path):
    path = sites_file(
        tmp_path,
        '# sites\nsites:\n  - client: "northwind outfitters ltd."\n    target: northwind\n'
        "  - {client: Brightleaf Learning, target: brightleaf-2}\n",
    )
    sites = read_client_sites(path, CLIENTS)
    assert [(site.client, site.target) for site in sites] == [
        ("northwind outfitters ltd.", "northwind"),
        ("Brightleaf Learning", "brightleaf-2"),
    ]
    assert read_client_sites(tmp_path / "absent.yml", CLIENTS) == []
    assert read_client_sites(sites_file(tmp_path, "# none yet\n"), CLIENTS) == []


@pytest.mark.parametrize(
    ("text", "where", "said"),
    [
        ("sites:\n  - client: Nobody\n    target: nobody\n", "2:13", "no plan names the client 'Nobody'"),
        ("sites:\n  - client: Brightleaf Learnin\n    target: b\n", "2:13", "did you mean 'Brightleaf Learning'"),
        ("sites:\n  - client: Brightleaf Learning\n    target: Bright_Leaf\n", "3:13", "lower-case letters"),
        ("sites:\n  - client: Brightleaf Learning\n    target: ../up\n", "3:13", "lower-case letters"),
        ("sites:\n  - client: Brightleaf Learning\n", "2:5", "has no `target`"),
        ("sites:\n  - client: Brightleaf Learning\n    target: b\n    bucket: x\n", "4:5", "unknown key 'bucket'"),
        ("sites:\n  - client: Brightleaf Learning\n    client: X\n    target: b\n", "3:5", "given twice"),
        (
            "sites:\n  - {client: Brightleaf Learning, target: b}\n  - {client: brightleaf  learning, target: c}\n",
            "3:14",
            "client is listed already, at line 2",
        ),
        (
            "sites:\n  - {client: Brightleaf Learning, target: b}\n  - {client: Cascade Coffee Roasters, target: b}\n",
            "3:47",
            "target is listed already",
        ),
        ("sites:\n  - client: yes\n    target: b\n", "2:13", "must be text"),
        ("sites:\n  - client: !!python/object:os.system x\n    target: b\n", "2:13", "must be text"),
        ("sites:\n  - client: &c Brightleaf Learning\n    target: *c\n", "2:13", "lower-case letters"),
        ("sites: northwind\n", "1:8", "must be a list"),
        ("- client: x\n", "1:1", "the file must be a mapping"),
        ("sites:\n  - client: [unclosed\n", "3:1", "invalid YAML"),
    ],
)
def test_a_wrong_client_sites_yml_names_the_place(tmp_path, text, where, said):
    with pytest.raises(SitesError) as raised:
        read_client_sites(sites_file(tmp_path, text), CLIENTS)
    assert str(raised.value).startswith(f"client-sites.yml:{where}: "), raised.value
    assert said in str(raised.value)


def test_planbook_sites_prints_the_deploy_matrix(git_repo, sample_text):
    git_repo.write("projects/NORTHWIND-001.md", sample_text)
    git_repo.write("client-sites.yml", "sites:\n  - client: Northwind Outfitters Ltd.\n    target: northwind\n")
    run = [sys.executable, "-m", "planbook.cli", "sites"]
    matrix = subprocess.run([*run, "--matrix"], cwd=git_repo.path, capture_output=True, text=True)
    assert matrix.returncode == 0, matrix.stderr
    assert json.loads(matrix.stdout) == {"include": [{"client": "Northwind Outfitters Ltd.", "target": "northwind"}]}
    assert matrix.stdout.count("\n") == 1  # one line, for $GITHUB_OUTPUT
    listing = subprocess.run(run, cwd=git_repo.path, capture_output=True, text=True)
    assert listing.stdout == "Northwind Outfitters Ltd.\t1 plan\tsite: northwind\n"
    git_repo.write("client-sites.yml", "sites:\n  - client: Cascade\n    target: cascade\n")
    wrong = subprocess.run([*run, "--matrix"], cwd=git_repo.path, capture_output=True, text=True)
    assert wrong.returncode == 2 and wrong.stdout == ""
    assert "client-sites.yml:2:13: no plan names the client 'Cascade'" in wrong.stderr
