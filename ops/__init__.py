"""What runs the pipeline's stages, for the scheduler and for operators.

* :mod:`ops.stages` — a stage (``civwatch crawl|process|digest``) as a
  subprocess with a time limit, and the arguments of each stage;
* :mod:`ops.runs` — a job run under its ``job:<id>`` lease, recorded in
  ``job_runs``; the work of a stage run as a job;
* :mod:`ops.maintenance` — the maintenance job's work (vacuum, retention);
* :mod:`ops.once` — ``civwatch run --once`` and its summary;
* :mod:`ops.demo` — the bundled demo site and ``civwatch demo``;
* :mod:`ops.doctor` — ``civwatch doctor``.

``scheduler.py`` (the APScheduler service and its job table) uses
``ops.stages``, ``ops.runs`` and ``ops.maintenance``; ``run --once``, ``demo``
and ``doctor`` use the scheduler's time zone and job table in turn.
"""
