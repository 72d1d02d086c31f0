"""Ofsted LA children's services inspections: a validated, traceable judgement dataset.

Stages, one module each (see README):
    sources   checksummed raw intake (data/raw/sources.yaml)
    reports   text of the report PDFs and their classification
    parse_sif / parse_ilacs   judgements and context from the report text
    official  Ofsted's official statistics (ODS)
    covariates DfE/ONS/IMD context by LA and year
    las       canonical local authority table, codes and aliases
    clean     grades, judgement-area crosswalk
    build     load / process / save of data/processed
    validate  schemas, cross-checks and the validation report
"""

__version__ = "0.1.0"
