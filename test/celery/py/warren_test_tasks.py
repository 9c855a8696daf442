"""Celery tasks for warren's interop tests: the example app (examples/python/tasks.py) plus a few
tasks that fail, retry and report their ETA. Queue names come from the environment (unique per
test run): WARREN_CELERY_QUEUE, WARREN_PYTHON_QUEUE."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'examples', 'python'))

from tasks import app  # noqa: E402  (py.mul and the shared config)


@app.task(name='py.boom')
def boom(b):
    raise ValueError(f'bad b: {b}')


@app.task(name='py.flaky', bind=True, max_retries=5)
def flaky(self, until):
    if self.request.retries < until:
        raise self.retry(exc=RuntimeError(f'attempt {self.request.retries + 1} failed'), countdown=1)
    return {'retries': self.request.retries}


@app.task(name='py.when', bind=True)
def when(self):
    return {'ranAt': time.time(), 'eta': self.request.eta, 'retries': self.request.retries}


@app.task(name='py.capped', bind=True, time_limit=2)
def capped(self, s):
    """Python's own hard limit (2 s): enforced by a prefork worker unless a message says otherwise."""
    time.sleep(s)
    return {'slept': s, 'timelimit': self.request.timelimit}


@app.task(name='py.big')
def big():
    """A 64-bit id as Python returns it: past what a JavaScript number holds exactly."""
    return {'id': 2**63 - 1, 'small': 2**53 - 1, 'text': '9223372036854775807'}


@app.task(name='demo.add')
def add_mirror(a, b):
    """demo.add as Python runs it: a Celery worker sharing warren's queue (a migration period)."""
    return a + b
