"""Reading a Kafka topic back, record by record, for the tests."""

import time

from confluent_kafka import Consumer, TopicPartition


def read_topic(bootstrap, topic, timeout=20):
    """[(key, value)] of partition 0 as bytes, in offset order, up to the
    high watermark seen now (fails if they do not all arrive in time).
    Committed records only: schemad writes in transactions, whose commit
    markers take offsets of their own (the consumer's position moves past
    them, no record is delivered)."""
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'reader-%s' % topic,
                  'enable.auto.commit': False, 'isolation.level': 'read_committed'})
    try:
        lo, hi = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
        c.assign([TopicPartition(topic, 0, lo)])
        out = []
        at = lo
        deadline = time.monotonic() + timeout
        while at < hi and time.monotonic() < deadline:
            m = c.poll(0.5)
            if m is not None and not m.error():
                out.append((m.key(), m.value()))
                at = m.offset() + 1
                continue
            pos = c.position([TopicPartition(topic, 0)])[0].offset
            at = max(at, pos)
        assert at >= hi, 'read up to offset %d of %d of %s' % (at, hi, topic)
        return out
    finally:
        c.close()
