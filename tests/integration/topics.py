"""Reading a Kafka topic back, record by record, for the tests."""

import time

from confluent_kafka import Consumer, TopicPartition


def read_topic(bootstrap, topic, timeout=20):
    """[(key, value)] of partition 0 as bytes, in offset order, up to the
    high watermark seen now (fails if they do not all arrive in time)."""
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'reader-%s' % topic,
                  'enable.auto.commit': False})
    try:
        lo, hi = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
        c.assign([TopicPartition(topic, 0, lo)])
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < hi - lo and time.monotonic() < deadline:
            m = c.poll(0.5)
            if m is not None and not m.error():
                out.append((m.key(), m.value()))
        assert len(out) == hi - lo, 'read %d of %d records of %s' % (len(out), hi - lo, topic)
        return out
    finally:
        c.close()
