"""Data files of the pipelines (vocabularies, places, tracking parameters).

A package so that setuptools ships the ``*.tsv`` / ``*.txt`` files in wheels.
"""
