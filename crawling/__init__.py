"""The crawl's Scrapy components beside the spiders and the item pipelines.

``spiders/`` declare what to fetch and turn responses into items, and know
nothing of the database; ``pipelines/`` process each item. What works around
the requests and the run lives here, each switched on in ``settings.py``:

* ``middlewares`` — downloader and spider middlewares: the seen-URL skip,
  conditional GET, retries honouring ``Retry-After``, redirect loops
  (``DOWNLOADER_MIDDLEWARES``, ``SPIDER_MIDDLEWARES``);
* ``health`` — the source-health extension: one ``SourceRun`` row per source
  and run (``EXTENSIONS``);
* ``gctuning`` — the garbage-collector extension of a crawl process
  (``EXTENSIONS``), also used by the extraction worker processes;
* ``commands`` — ``civwatch crawl``, ``sources``, ``acled`` and ``ucdp``: the
  commands that run a crawl or import reference rows and record them in the
  database.
"""
