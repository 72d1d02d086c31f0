"""Publish: run the notebooks listed in notebooks/params.yaml and render them as offline HTML.

records   what a notebook hands over (`record`), and where each run's outputs live
runner    `python -m analysis.publish`: which runs are stale, in what order, executing them
html      rendering an executed notebook and the index page, offline
figures   colours shared by every chart
"""
