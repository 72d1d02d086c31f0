"""The study of the reports' language (sentences, lexicons, measures), from the processed tables."""
