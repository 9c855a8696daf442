"""A Celery app that shares queues with warren (Celery 5.2, message protocol 2, JSON).

    python3 -m celery -A tasks worker -Q python --pool solo -c 1

runs `py.mul`, which warren's config declares with no TypeScript handler and routes to the
`python` queue. `demo.*` tasks are routed to the `celery` queue, where warren's TypeScript
worker runs them (see send_add.py).
"""
import os

from celery import Celery
from kombu import Exchange, Queue

app = Celery(
    'tasks',
    broker=os.environ.get('CELERY_BROKER_URL', 'amqp://guest:guest@127.0.0.1:5672//'),
    backend=os.environ.get('CELERY_RESULT_BACKEND', 'redis://127.0.0.1:6379/0'),
)

# warren owns the topology: it declares these queues (classic, with its dead-letter and
# length-limit arguments). Celery must not redeclare them with different arguments, so the
# queues are no_declare and published through the default exchange, by queue name.
CELERY_QUEUE = os.environ.get('WARREN_CELERY_QUEUE', 'celery')
PYTHON_QUEUE = os.environ.get('WARREN_PYTHON_QUEUE', 'python')

app.conf.update(
    task_protocol=2,
    task_serializer='json',
    result_serializer='json',
    accept_content=['json'],
    task_queues=[Queue(q, Exchange(''), routing_key=q, no_declare=True) for q in (CELERY_QUEUE, PYTHON_QUEUE)],
    task_default_queue=CELERY_QUEUE,
    task_routes={'py.*': {'queue': PYTHON_QUEUE}, 'demo.*': {'queue': CELERY_QUEUE}},
    # Like warren: acknowledge only after the result is written.
    task_acks_late=True,
    worker_prefetch_multiplier=1,
)


@app.task(name='py.mul')
def mul(a, b):
    """`{a, b}` → `a * b` (warren sends a plain-object input as keyword arguments)."""
    return a * b
