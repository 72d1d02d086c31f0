"""Ofsted LA children's services inspections: a validated, traceable judgement dataset and its analysis.

The package is cut at data/processed into two halves (see README, "What is where"):

Shared by both halves
    paths      project paths, anchored on the package
    vocab      grades, judgement areas, frameworks, inspection and report types, source qualities
    schema     the data dictionary of data/processed (fields, enums, datapackage.json)
    las        local authority names and codes against the authority table
    checksums  SHA-256 of files and folders
    lexicon    the report-language word lists (lexicon.yaml) and how a sentence is scored
    logodds    the log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008)

The build (raw -> processed; `python -m analysis.build`, `make data`)
    build/     sources (intake; fetch when the raw files are absent) -> pdf_text, parse_sif,
               parse_sif_context, parse_ilacs, language (sentences), official (extract) -> authorities,
               covariates (clean) -> validate -> text_tables, tables (load / process / save)

The analysis (processed -> claims, models, text, reports; never imports the build)
    data       the processed tables, typed, as one Data object
    snapshots  in force at a date, first / latest per authority, windows, grade counts
    overview   the tables of the data-overview notebook
    claims/    the claims registry, its computations and the comparison with published figures
    models/    the goalposts models
    text/      the report-language study
    publish/   the notebook runner and offline HTML (`python -m analysis.publish`, `make reports`)
"""

__version__ = "0.1.0"
