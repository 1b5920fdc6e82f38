#!/usr/bin/env python3
"""Produce three Avro `User` records to `user-events` through the registry.

The subject `user` holds the User schema (registered here if missing);
the serializer is built from its latest version and registers the value
schema under `user-events-value` itself (auto.register.schemas).

    SCHEMA_REGISTRY_URL=http://localhost:8081 \
    KAFKA_BOOTSTRAP_SERVERS=localhost:9092 python3 producer.py

SCHEMA_ID_MODE=header writes the schema's GUID in a record header
(`__value_schema_id`, magic byte 1 then the 16 bytes) instead of the id
before the payload; it needs a registry that answers as Confluent 8.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from confluent_kafka import Producer  # noqa: E402
from confluent_kafka.schema_registry import Schema  # noqa: E402
from confluent_kafka.schema_registry import header_schema_id_serializer  # noqa: E402
from confluent_kafka.schema_registry.avro import AvroSerializer  # noqa: E402
from confluent_kafka.schema_registry.error import SchemaRegistryError  # noqa: E402
from confluent_kafka.serialization import (MessageField,  # noqa: E402
                                           SerializationContext, StringSerializer)

from common import SUBJECT, TOPIC, USER_SCHEMA, kafka_config, registry_client  # noqa: E402

USERS = [
    {'id': 1, 'name': 'alice', 'email': 'alice@ssup2.com'},
    {'id': 2, 'name': 'bob', 'email': 'bob@ssup2.com'},
    {'id': 3, 'name': 'carol', 'email': 'carol@ssup2.com'},
]


def latest_user_schema(client):
    """The latest version of subject `user`, registering it if missing."""
    try:
        return client.get_latest_version(SUBJECT)
    except SchemaRegistryError as e:
        if e.http_status_code != 404:
            raise
    schema_id = client.register_schema(SUBJECT, Schema(USER_SCHEMA, 'AVRO'))
    print('registered subject %s: schema id %d' % (SUBJECT, schema_id))
    return client.get_latest_version(SUBJECT)


def main(env=None, users=None):
    """Produce `users` (default: three); returns them as delivered."""
    users = USERS if users is None else users
    client = registry_client(env)
    latest = latest_user_schema(client)
    print('subject %s version %d: schema id %d' % (SUBJECT, latest.version, latest.schema_id))
    env_ = os.environ if env is None else env
    header_mode = env_.get('SCHEMA_ID_MODE', 'prefix') == 'header'
    conf = {'schema.id.serializer': header_schema_id_serializer} if header_mode else None
    serializer = AvroSerializer(client, latest.schema.schema_str, lambda u, ctx: u, conf=conf)
    key = StringSerializer('utf_8')
    producer = Producer(kafka_config(env))
    errors = []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(err)
        else:
            print('delivered %s [%d] @ %d' % (msg.topic(), msg.partition(), msg.offset()))

    for u in users:
        ctx = SerializationContext(TOPIC, MessageField.VALUE, [])
        value = serializer(u, ctx)
        producer.produce(TOPIC, key=key(str(u['id'])), value=value, headers=ctx.headers,
                         on_delivery=on_delivery)
        producer.poll(0)
    left = producer.flush(30)
    if left or errors:
        raise RuntimeError('%d records not delivered: %s' % (left + len(errors), errors))
    return list(users)


if __name__ == '__main__':
    main()
