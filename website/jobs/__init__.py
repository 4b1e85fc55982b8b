"""The site's own background work (mail delivery, the daily purge, later webhooks): one thread
per worker process, woken by a timer and by new work. See website/jobs/runner.py."""

from website.jobs import triggers  # noqa: F401 - the listeners that wake a job after a commit
from website.jobs.claims import claim_rows, still_held, still_held_rows, unclaimed
from website.jobs.runner import Job, register_job, register_jobs, runner_of, start_jobs, wake

__all__ = ["Job", "claim_rows", "register_job", "register_jobs", "runner_of", "start_jobs",
           "still_held", "still_held_rows", "unclaimed", "wake"]
