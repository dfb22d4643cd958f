"""The site's share of the engine, free of MkDocs: one build's plans and pages (`build.SiteBuild`), the
portfolio's HTML (`portfolio_view`) and the generated reference pages (`reference`). The adapters,
hooks/planbook_site.py and macros/main.py, translate MkDocs' events and mkdocs-macros' calls into
these."""
