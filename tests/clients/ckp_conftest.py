"""Our stand-in for confluent-kafka-python's tests/integration/conftest.py.

fetch_ckp.sh lays their schema-registry tests out under a scratch tree and
puts this file in place of their conftest: the same fixtures (kafka_cluster,
kafka_cluster_fixture, load_file), backed by a real Apache Kafka 4.x broker
(tests/integration/kafka_broker.py) and the real schemad started as
tests/integration/schemad_proc.py starts it, in its default dialect
(confluent.version=8) -- no trivup, no docker, no Confluent Schema Registry.

$SCHEMAD_SRCDIR locates our tests/integration; $SCHEMAD_BIN the daemon;
$CKP_CONFLUENT_VERSION the dialect (8, the default, or 7); CKP_JOURNAL=kafka
puts schemad's journal on the same broker (default: the file journal).
"""

import os
import shutil
import sys
import tempfile
import types

import pytest

_OURS = os.path.join(os.environ['SCHEMAD_SRCDIR'], 'tests', 'integration')
sys.path.insert(0, _OURS)

from kafka_broker import KafkaBroker  # noqa: E402
from schemad_proc import Schemad  # noqa: E402

# Their cluster_fixture imports trivup at module level; we never start a
# trivup cluster, so an empty stand-in module is enough.
for _name in ('trivup', 'trivup.clusters', 'trivup.clusters.KafkaCluster'):
    sys.modules.setdefault(_name, types.ModuleType(_name))
sys.modules['trivup.clusters.KafkaCluster'].KafkaCluster = None

from confluent_kafka.schema_registry import SchemaRegistryClient  # noqa: E402
from confluent_kafka.schema_registry._async.schema_registry_client import (  # noqa: E402
    AsyncSchemaRegistryClient)

from tests.integration.cluster_fixture import KafkaClusterFixture  # noqa: E402

work_dir = os.path.dirname(os.path.realpath(__file__))


def _started(make, attempts=3):
    """make(i).start(), again on fresh ports if the first ones were taken
    meanwhile (free ports are picked before the servers bind them, and
    other test runs share the machine)."""
    for i in range(attempts):
        server = make(i)
        try:
            server.start()
            return server
        except RuntimeError:
            server.stop()
            if i == attempts - 1:
                raise
    return None


class SchemadFixture(KafkaClusterFixture):
    """Their fixture API over one broker and one schemad."""

    def __init__(self, workdir):
        self._admin = None
        self._producer = None
        self._broker = _started(lambda i: KafkaBroker(
            os.path.join(workdir, 'kafka%d' % i)))
        try:
            self._broker.wait_group_coordinator()
            self._schemad = _started(lambda i: Schemad(
                os.path.join(workdir, 'schemad%d' % i),
                self._settings()))
        except Exception:
            self._broker.stop()
            raise

    def _settings(self):
        settings = {'confluent.version':
                    os.environ.get('CKP_CONFLUENT_VERSION', '8'),
                    'workers': '2'}
        if os.environ.get('CKP_JOURNAL') == 'kafka':
            settings.update({'journal': 'kafka',
                             'kafkastore.bootstrap.servers':
                             self._broker.bootstrap})
        return settings

    def _sr_conf(self, conf):
        sr_conf = {'url': self._schemad.url}
        if conf is not None:
            sr_conf.update(conf)
        return sr_conf

    def schema_registry(self, conf=None):
        return SchemaRegistryClient(self._sr_conf(conf))

    def async_schema_registry(self, conf=None):
        return AsyncSchemaRegistryClient(self._sr_conf(conf))

    def client_conf(self, conf=None):
        client_conf = {'bootstrap.servers': self._broker.bootstrap}
        if conf is not None:
            client_conf.update(conf)
        return client_conf

    def stop(self):
        try:
            self._schemad.stop()
        finally:
            self._broker.stop()


_STATE = {'cluster': None, 'dir': None}


def _cluster():
    """The session's one cluster, started on first use."""
    if _STATE['cluster'] is None:
        _STATE['dir'] = tempfile.mkdtemp(prefix='schemad-ckp-')
        _STATE['cluster'] = SchemadFixture(_STATE['dir'])
    return _STATE['cluster']


# Registries older than the dialects schemad speaks (7.9, 8.x): a test
# asking for one checks that release's own answers, not a rule of today's.
_OLDER_THAN_7_9 = ('5.', '6.', '7.0.', '7.1.', '7.2.', '7.3.', '7.4.',
                   '7.5.', '7.6.', '7.7.', '7.8.')


def kafka_cluster_fixture(brokers_env="BROKERS", sr_url_env="SR_URL",
                          trivup_cluster_conf=None):
    """Their helper's signature; every caller gets the session's cluster,
    except one asking for a Confluent Platform older than 7.9 (skipped)."""
    cp = (trivup_cluster_conf or {}).get('cp_version', '')
    if cp.startswith(_OLDER_THAN_7_9):
        pytest.skip('asks for Confluent Platform %s\'s own answers' % cp)
    yield _cluster()


def pytest_sessionfinish(session, exitstatus):
    if _STATE['cluster'] is not None:
        _STATE['cluster'].stop()
        _STATE['cluster'] = None
        shutil.rmtree(_STATE['dir'], ignore_errors=True)


@pytest.fixture(scope="session")
def kafka_cluster():
    yield _cluster()


@pytest.fixture()
def load_file():
    def get_handle(name):
        with open(os.path.join(work_dir, 'schema_registry', 'data', name)) as fd:
            return fd.read()

    return get_handle
