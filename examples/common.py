"""Settings shared by producer.py and consumer.py, read from the environment.

    SCHEMA_REGISTRY_URL        http(s)://host:port of schemad (or Confluent SR)
    SCHEMA_REGISTRY_CA         PEM CA file to verify an https registry
    KAFKA_BOOTSTRAP_SERVERS    host:port[,host:port...]
    KAFKA_SECURITY_PROTOCOL    PLAINTEXT (default), SSL, SASL_PLAINTEXT, SASL_SSL
    KAFKA_SASL_MECHANISM       PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
    KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD
    KAFKA_SSL_CA_LOCATION      PEM CA file for an SSL/SASL_SSL broker
"""

import os

from confluent_kafka.schema_registry import SchemaRegistryClient

TOPIC = 'user-events'
SUBJECT = 'user'
GROUP = 'user-consumer-group'

USER_SCHEMA = """{
  "type": "record",
  "name": "User",
  "namespace": "ssup2.com",
  "fields": [
    {"name": "id", "type": "int"},
    {"name": "name", "type": "string"},
    {"name": "email", "type": "string"}
  ]
}"""


def _need(env, name):
    v = env.get(name)
    if not v:
        raise SystemExit('%s is not set' % name)
    return v


def registry_client(env=None):
    env = os.environ if env is None else env
    conf = {'url': _need(env, 'SCHEMA_REGISTRY_URL')}
    if env.get('SCHEMA_REGISTRY_CA'):
        conf['ssl.ca.location'] = env['SCHEMA_REGISTRY_CA']
    return SchemaRegistryClient(conf)


def kafka_config(env=None):
    """librdkafka settings for the broker described by the environment."""
    env = os.environ if env is None else env
    conf = {'bootstrap.servers': _need(env, 'KAFKA_BOOTSTRAP_SERVERS')}
    proto = env.get('KAFKA_SECURITY_PROTOCOL')
    if proto:
        conf['security.protocol'] = proto
    if env.get('KAFKA_SASL_MECHANISM'):
        conf['sasl.mechanisms'] = env['KAFKA_SASL_MECHANISM']
    if env.get('KAFKA_SASL_USERNAME'):
        conf['sasl.username'] = env['KAFKA_SASL_USERNAME']
        conf['sasl.password'] = env.get('KAFKA_SASL_PASSWORD', '')
    if env.get('KAFKA_SSL_CA_LOCATION'):
        conf['ssl.ca.location'] = env['KAFKA_SSL_CA_LOCATION']
    return conf
