#!/usr/bin/env python3
"""Read the Avro `User` records from `user-events` and print them.

Group `user-consumer-group`, from the earliest offset; the deserializer
fetches each writer schema by the id in the record (GET /schemas/ids/{id}).

    SCHEMA_REGISTRY_URL=http://localhost:8081 \
    KAFKA_BOOTSTRAP_SERVERS=localhost:9092 python3 consumer.py
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from confluent_kafka import Consumer  # noqa: E402
from confluent_kafka.schema_registry.avro import AvroDeserializer  # noqa: E402
from confluent_kafka.serialization import MessageField, SerializationContext  # noqa: E402

from common import GROUP, TOPIC, kafka_config, registry_client  # noqa: E402


def main(env=None, count=3, timeout=60.0):
    """Consume `count` users (None: until `timeout` passes idle); returns them."""
    deserializer = AvroDeserializer(registry_client(env))
    conf = kafka_config(env)
    conf.update({'group.id': GROUP, 'auto.offset.reset': 'earliest',
                 'enable.auto.commit': False})
    consumer = Consumer(conf)
    consumer.subscribe([TOPIC])
    users = []
    deadline = time.monotonic() + timeout
    try:
        while (count is None or len(users) < count) and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                print('consumer error: %s' % msg.error(), file=sys.stderr)
                continue
            # The schema's GUID may be in a header (SCHEMA_ID_MODE=header),
            # else its id is before the payload.
            ctx = SerializationContext(msg.topic(), MessageField.VALUE, msg.headers())
            user = deserializer(msg.value(), ctx)
            print('%s [%d] @ %d: %s' % (msg.topic(), msg.partition(), msg.offset(), user))
            users.append(user)
            consumer.commit(message=msg, asynchronous=False)
    finally:
        consumer.close()
    if count is not None and len(users) < count:
        raise RuntimeError('read %d of %d users in %.0f s' % (len(users), count, timeout))
    return users


if __name__ == '__main__':
    main(count=int(sys.argv[1]) if len(sys.argv) > 1 else 3)
