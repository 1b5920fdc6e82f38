"""schemad on a real Apache Kafka broker (KRaft, loopback): the journal,
recovery, byte-exact records, two nodes on one topic, takeover of a topic
Confluent wrote, and a bad topic refused."""

import itertools
import json
import os
import time

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

from schemad_proc import Schemad, avro_record
from topics import read_topic

SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared')
_topics = itertools.count()
USER = avro_record('User', [('id', 'int'), ('name', 'string'), ('email', 'string')],
                   namespace='ssup2.com')
# What Confluent stores for USER: Avro's Schema.toString().
CANONICAL_USER = ('{"type":"record","name":"User","namespace":"ssup2.com","fields":['
                  '{"name":"id","type":"int"},{"name":"name","type":"string"},'
                  '{"name":"email","type":"string"}]}')


def new_topic():
    return '_schemas_test_%d_%d' % (os.getpid(), next(_topics))


def on_kafka(kafka, workdir, topic, **settings):
    s = {'journal': 'kafka', 'kafkastore.bootstrap.servers': kafka.bootstrap,
         'kafkastore.topic': topic, 'kafkastore.init.timeout.ms': '30000',
         'kafkastore.timeout.ms': '5000'}
    s.update(settings)
    return Schemad(workdir, s)



def test_register_read_and_recover(kafka, tmp_path):
    topic = new_topic()
    d = on_kafka(kafka, tmp_path / 'a', topic)
    d.start()
    assert d.register('user', USER) == (200, {'id': 1})
    assert d.register('user-events-value', USER) == (200, {'id': 1})
    d.request('PUT', '/config/user', {'compatibility': 'FULL'})
    st, body = d.get('/subjects/user/versions/latest')
    assert st == 200 and body['id'] == 1
    before = [d.get(p) for p in ('/subjects', '/schemas/ids/1', '/config/user',
                                 '/subjects/user/versions/1')]
    assert d.stop() == 0
    d.start()
    assert [d.get(p) for p in ('/subjects', '/schemas/ids/1', '/config/user',
                               '/subjects/user/versions/1')] == before
    assert d.register('x', '"string"') == (200, {'id': 2})
    d.stop()
    # The topic was created compacted with one partition, and holds
    # Confluent's exact bytes.
    admin = AdminClient({'bootstrap.servers': kafka.bootstrap})
    md = admin.list_topics(topic, timeout=10)
    assert len(md.topics[topic].partitions) == 1
    records = [(k.decode(), v.decode() if v is not None else None)
               for k, v in read_topic(kafka.bootstrap, topic)]
    schema_records = [r for r in records if '"SCHEMA"' in r[0]]
    assert schema_records[0] == (
        '{"keytype":"SCHEMA","subject":"user","version":1,"magic":1}',
        '{"subject":"user","version":1,"id":1,"schema":%s,"deleted":false}'
        % json.dumps(CANONICAL_USER))
    assert ('{"keytype":"CONFIG","subject":"user","magic":0}',
            '{"subject":"user","compatibilityLevel":"FULL"}') in records


def test_two_nodes_share_one_topic(kafka, tmp_path):
    topic = new_topic()
    a = on_kafka(kafka, tmp_path / 'a', topic, **{'host.name': '127.0.0.1'})
    b = on_kafka(kafka, tmp_path / 'b', topic, **{'leader.eligibility': 'false'})
    a.start()
    b.start()
    try:
        assert a.register('user', USER) == (200, {'id': 1})
        deadline = time.time() + 10
        while time.time() < deadline and b.get('/schemas/ids/1')[0] != 200:
            time.sleep(0.05)
        st, body = b.get('/schemas/ids/1')
        assert st == 200 and json.loads(body['schema'])['name'] == 'User'
        assert b.get('/subjects/user/versions/latest')[1]['id'] == 1
        # The follower serves reads and forwards writes to the leader.
        assert b.register('other', '"int"') == (200, {'id': 2})
        assert b.get('/subjects/other/versions/1')[1]['id'] == 2
        # A re-registration of a known schema is a read: any node answers it.
        assert b.register('user', USER) == (200, {'id': 1})
    finally:
        a.stop()
        b.stop()


def test_takeover_of_a_topic_confluent_wrote(kafka, tmp_path):
    topic = new_topic()
    admin = AdminClient({'bootstrap.servers': kafka.bootstrap})
    fs = admin.create_topics([NewTopic(topic, 1, 1, config={'cleanup.policy': 'compact'})])
    fs[topic].result(30)
    p = Producer({'bootstrap.servers': kafka.bootstrap})
    with open(os.path.join(SHARED, 'conformance', 'kafkastore', 'admin-records.json')) as f:
        recs = json.load(f)
    for r in recs:
        p.produce(topic, key=r['key'].encode(),
                  value=r['value'].encode() if r['value'] is not None else None)
    # A key type schemad does not know is skipped, never fatal.
    p.produce(topic, key=b'{"keytype":"ASSOC","magic":0}', value=b'{}')
    p.flush(30)
    d = on_kafka(kafka, tmp_path / 'a', topic)
    d.start()
    try:
        assert d.get('/subjects') == (200, ['i', 't'])
        assert d.get('/subjects/t/versions') == (200, [2])
        assert d.get('/config/t') == (200, {'compatibilityLevel': 'NONE'})
        assert d.get('/mode/i') == (200, {'mode': 'IMPORT'})
        assert d.get('/mode/r')[0] == 404
        st, body = d.get('/subjects/i/versions/5')
        assert st == 200 and body['id'] == 43
        # New ids go above the highest seen.
        assert d.register('n', '"string"') == (200, {'id': 44})
    finally:
        d.stop()


def test_topic_with_two_partitions_is_refused(kafka, tmp_path):
    topic = new_topic()
    admin = AdminClient({'bootstrap.servers': kafka.bootstrap})
    admin.create_topics([NewTopic(topic, 2, 1, config={'cleanup.policy': 'compact'})])[topic].result(30)
    d = on_kafka(kafka, tmp_path / 'a', topic)
    d.start(wait=False)
    rc = d.proc.wait(60)
    d.stop()
    assert rc != 0
    assert 'partition' in d.log_text()
