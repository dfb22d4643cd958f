"""`python -m planbook.cli`."""

from planbook.cli import main

raise SystemExit(main())
