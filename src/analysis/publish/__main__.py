"""`python -m analysis.publish [--force]`: execute the stale notebook runs and render the reports."""

from analysis.publish.runner import main

raise SystemExit(main())
