"""Celery producer: `produce.py burst <n> <id-prefix>` or `produce.py rate <jobs/s> <ms> <id-prefix>`.

Prints one JSON line: enqueue start/end (epoch s) and, in rate mode, each task id's enqueue time.
apply_async blocks until RabbitMQ confirms (confirm_publish), as a Celery app would publish.
"""
import json
import sys
import time

from bench_app import add, app


def main():
    mode = sys.argv[1]
    with app.producer_or_acquire() as producer:
        producer.connection.ensure_connection()
        # Open the channel (confirm.select) before the clock starts.
        producer.channel  # noqa: B018
        if mode == "burst":
            n, prefix = int(sys.argv[2]), sys.argv[3]
            start = time.time()
            for i in range(n):
                add.apply_async((1, 2), task_id=f"{prefix}-{i}", producer=producer)
            print(json.dumps({"start": start, "end": time.time()}))
        else:
            rate, ms, prefix = float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
            total = round(rate * ms / 1000)
            t0s = {}
            start = time.perf_counter()
            for i in range(total):
                delay = start + i / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                tid = f"{prefix}-{i}"
                t0s[tid] = time.time()
                add.apply_async((1, 2), task_id=tid, producer=producer)
            print(json.dumps({"t0": t0s}))


if __name__ == "__main__":
    main()
