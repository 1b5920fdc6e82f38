"""A member of a registry group as Confluent Schema Registry and Karapace
join it: protocol type `sr`, subprotocol `v0`, member metadata
SchemaRegistryIdentity's JSON, and the assignment Confluent's
SchemaRegistryCoordinator computes (the eligible member with the smallest
URL leads; duplicate URLs are an error).  Written on kafka-python's group
client, which speaks JoinGroup/SyncGroup/Heartbeat for any protocol type;
it stands for a running Confluent node in the tests of moving from
Confluent (test_cluster.py)."""

import json
import threading
import time

from kafka.net.compat import KafkaNetClient
from kafka.coordinator.base import BaseCoordinator


def identity(host, port, scheme='http', eligible=True):
    return {'version': 1, 'host': host, 'port': port, 'master_eligibility': eligible,
            'scheme': scheme}


def url(ident):
    return '%s://%s:%d' % (ident.get('scheme', 'http'), ident['host'], ident['port'])


class _Coordinator(BaseCoordinator):
    def __init__(self, client, ident, assign, **configs):
        super().__init__(client, **configs)
        self.ident = ident
        self.assign = assign
        self.assignment = None

    def protocol_type(self):
        return 'sr'

    def group_protocols(self):
        return [('v0', json.dumps(self.ident).encode())]

    def _perform_assignment(self, leader_id, protocol, members):
        idents = {m.member_id: json.loads(m.metadata) for m in members}
        if self.assign is not None:
            body = self.assign(idents)
        else:
            body = confluent_assignment(idents)
        return {mid: json.dumps(body).encode() for mid in idents}

    async def _on_join_complete_async(self, generation, member_id, protocol, assignment):
        self.assignment = json.loads(assignment)


def confluent_assignment(idents):
    """SchemaRegistryCoordinator.performAssignment: the eligible member
    with the smallest URL leads; two members with one URL are an error."""
    leader = None
    for mid, ident in idents.items():
        if ident.get('master_eligibility') and (
                leader is None or url(ident) < url(idents[leader])):
            leader = mid
    urls = {url(i) for i in idents.values()}
    body = {'version': 1, 'error': 0 if len(urls) == len(idents) else 1}
    if leader is not None:
        body['master'] = leader
        body['master_identity'] = idents[leader]
    return body


class SrMember:
    """One member, kept in the group by a thread until stop().  `assign`,
    if given, replaces Confluent's assignment (idents by member id → the
    assignment's JSON)."""

    def __init__(self, bootstrap, group, ident, assign=None, session_ms=6000):
        self.client = KafkaNetClient(bootstrap_servers=bootstrap, client_id='sr-member')
        manager = self.client._manager
        manager._net.start()
        manager.bootstrap(30000)
        self.coord = _Coordinator(self.client, ident, assign, group_id=group,
                                  api_version=manager.broker_version,
                                  session_timeout_ms=session_ms, heartbeat_interval_ms=1000)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping.is_set():
            try:
                self.coord.ensure_active_group(timeout_ms=1000)
                self.coord.poll_heartbeat()
            except Exception as e:              # noqa: BLE001  (retried, as a member does)
                self.error = e
            self.stopping.wait(0.2)

    def joined(self, timeout=30):
        deadline = time.monotonic() + timeout
        while self.coord.assignment is None and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.coord.assignment

    def stop(self, leave=True):
        self.stopping.set()
        self.thread.join(10)
        if leave:
            self.coord.close(timeout_ms=5000)
        self.client.close()
