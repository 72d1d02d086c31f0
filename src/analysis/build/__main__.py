"""`python -m analysis.build`: build data/processed from data/raw (see analysis.build.tables).

The reports' reading starts first (extract.start checks every raw file against sources.yaml, then
forks the reader's workers), and the rest of the build (pandas, pandera, python-calamine) is imported
while they read: about 1 s that would otherwise come before the reading. A plain
`tables.main()` gives the same result.
"""

import sys

from analysis.build import extract

reading = extract.start() if not sys.argv[1:] else None  # arguments: --help or an error, read nothing
from analysis.build import tables  # noqa: E402 - imported while the workers read (see above)

raise SystemExit(tables.main(reading=reading))
