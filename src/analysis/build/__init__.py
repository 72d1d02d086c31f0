"""The build half: data/raw -> data/processed. Nothing in the analysis half imports it.

Stages, in order:
    sources            checksummed raw intake (data/raw/sources.yaml)
    pdf_text           text of the report PDFs and their classification
    parse_sif, parse_sif_context, parse_ilacs   judgements, previous inspections, context statistics
    extract            each report parsed in the worker process that read it (and the reading started early)
    official           Ofsted's official statistics (ODS)
    authorities        the canonical local authority table (from the raw lookup)
    covariates         DfE/ONS/IMD context by authority and year
    records            the records the parsers hand to the build
    validate           schemas, cross-checks and the validation report
    tables             load / process / save of data/processed (`python -m analysis.build`)
"""
