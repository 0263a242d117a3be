"""Scrapy item pipelines (crawl time), each small and single-purpose.

Order (``ITEM_PIPELINES`` in settings.py): canonical URL (100) → extraction
(200) → language (300) → duplicates (400) → relevance (500) → store (600).
A page that cannot be used is dropped with a short stable reason
(``DropItem("no main text")``) that the source-health extension counts.
"""
