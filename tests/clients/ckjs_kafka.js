// Stands in for '@confluentinc/kafka-javascript' (a native module built
// from librdkafka's source, too long a build for a test run) in
// confluent-kafka-javascript's schemaregistry e2e tests: the few calls of
// its KafkaJS-compatible API those tests make, over the pure-JS kafkajs.
// What the tests check is the serializers against the registry; the Kafka
// client only carries the bytes.
'use strict';
const kjs = require('kafkajs');

function producer(k, conf) {
  const c = (conf && conf.kafkaJS) || {};
  const p = k.producer({ allowAutoTopicCreation: c.allowAutoTopicCreation });
  return {
    connect: () => p.connect(),
    disconnect: () => p.disconnect(),
    send: (record) => p.send(Object.assign(
      { acks: c.acks, compression: c.compression }, record)),
  };
}

let consumers = 0;

function consumer(k, conf) {
  const c = (conf && conf.kafkaJS) || {};
  // One group per consumer: their tests reuse one group id for consumers
  // of different topics, and kafkajs' assignors (unlike librdkafka's) hand
  // a member partitions of topics it did not subscribe to, which it then
  // never reads. Each of their consumers reads its own new topic from the
  // beginning, so its own group changes nothing they check.
  const cons = k.consumer({ groupId: c.groupId + '-' + (++consumers),
                            sessionTimeout: 6000, rebalanceTimeout: 3000,
                            heartbeatInterval: 300, maxWaitTimeInMs: 200 });
  return {
    connect: () => cons.connect(),
    disconnect: () => cons.disconnect(),
    // The compat API takes fromBeginning in the consumer's config;
    // kafkajs takes it at subscribe.
    subscribe: (s) => cons.subscribe(Object.assign(
      { fromBeginning: !!c.fromBeginning }, s)),
    run: (opts) => cons.run(opts),
  };
}

class Kafka {
  constructor(conf) {
    const c = Object.assign({}, (conf && conf.kafkaJS) || {});
    if (process.env.CKJS_BOOTSTRAP) c.brokers = [process.env.CKJS_BOOTSTRAP];
    this.k = new kjs.Kafka(Object.assign(
      { clientId: 'ckjs-e2e', logLevel: kjs.logLevel.NOTHING }, c));
  }

  producer(conf) { return producer(this.k, conf); }

  consumer(conf) { return consumer(this.k, conf); }
}

module.exports = {
  KafkaJS: {
    Kafka,
    CompressionTypes: kjs.CompressionTypes,
    PartitionAssigners: kjs.PartitionAssigners,
  },
};
