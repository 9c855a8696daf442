"""Sends `demo.add` from Python to warren's TypeScript worker and waits for the result.

    python3 send_add.py        # prints 5

warren consumes the `celery` queue (protocol: celery) and writes Celery's result format to Redis,
so the ordinary Celery client API works unchanged.
"""
from tasks import CELERY_QUEUE, app

if __name__ == '__main__':
    result = app.send_task('demo.add', args=(2, 3), queue=CELERY_QUEUE)
    print(result.get(timeout=10))
