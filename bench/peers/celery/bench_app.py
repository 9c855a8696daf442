"""Celery 5.2 app for the warren benchmarks: broker on the shared RabbitMQ, results in the shared Redis.

Settings are Celery's best honest ones on 2 cores (see /work/shared/notes/baselines.md): prefork
pool with concurrency 2, prefetch multiplier 32, acks_late (ack after the task ran, like warren),
publisher confirms on (apply_async returns after RabbitMQ confirmed = fsync'd). The queue is a
classic durable queue: Celery 5.2 fails on quorum queues ("does not support global qos"; 5.5
does per-consumer prefetch), so Celery cannot have quorum replication here.
"""
import os

from celery import Celery

app = Celery(
    "warren_bench",
    broker=os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//"),
    backend=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
)
app.conf.update(
    task_default_queue=os.environ.get("BENCH_QUEUE", "celery"),
    task_acks_late=True,
    worker_prefetch_multiplier=32,
    broker_transport_options={"confirm_publish": True},
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_expires=3600,
    worker_hijack_root_logger=False,
)


@app.task(name="add")
def add(a, b):
    return a + b
