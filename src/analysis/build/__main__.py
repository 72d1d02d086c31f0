"""`python -m analysis.build`: build data/processed from data/raw (see analysis.build.tables)."""

from analysis.build.tables import main

raise SystemExit(main())
