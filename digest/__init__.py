"""The daily digest: what is new and what changed, as e-mail and as files.

``civwatch digest [--date D] [--send] [--resend] [--out DIR] [--profile P]``

* ``profiles.py`` — who gets which digest (``CIVWATCH_DIGEST_PROFILES`` YAML, or
  one ``default`` profile sent to ``CIVWATCH_DIGEST_TO``).
* ``build.py`` — the content for a profile and period, read from the database:
  selects the new candidate incidents and adds up the totals; the parts come from
  ``content.py`` (the dataclasses, no database inside), ``period.py`` (which
  period a digest covers), ``entries.py`` (incident entries with figures and the
  spread of their claims, loaded in bulk), ``grouping.py`` (by country/admin1,
  most severe first), ``changes.py`` (changes from the audit trail) and
  ``trend.py`` (a 30-day trend and source-health warnings).
* ``pictures.py`` — the map and the trend chart, as PNG.
* ``outlines.py`` — the Natural Earth outlines shipped in ``data/`` and their
  loader (also read by the review UI's offline map).
* ``render.py`` + ``templates/`` — HTML, plain text, Markdown and JSON; labels
  in English or French (``data/labels.yaml``).
* ``deliver.py`` — the multipart e-mail and SMTP (STARTTLS / SSL / none, login
  from the environment) with bounded retries.
* ``job.py`` — one run: files first under ``<data dir>/digests/<profile>/<date>/``,
  then at most one successful send per profile and period (the ``digests``
  table), recorded as job ``digest:<profile>``.
"""
