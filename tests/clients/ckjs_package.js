// The package.json for a scratch tree holding confluent-kafka-javascript's
// schemaregistry/ (argv[2]): its runtime dependencies and what its e2e
// tests need to run under jest, without the Kafka client itself (a native
// module built from source; its place is taken by ckjs_kafka.js, over the
// pure-JS kafkajs).
'use strict';
const fs = require('fs');
const path = require('path');
const sr = JSON.parse(fs.readFileSync(path.join(process.argv[2], 'package.json')));
const dev = sr.devDependencies || {};
const deps = Object.assign({}, sr.dependencies);
for (const name of ['jest', 'ts-jest', 'typescript', '@types/node', '@types/uuid',
                    'json-stringify-deterministic']) {
  if (dev[name]) deps[name] = dev[name];
}
deps['@types/jest'] = '^29.5.13';
deps['kafkajs'] = '^2.2.4';
process.stdout.write(JSON.stringify({ name: 'ckjs-e2e', private: true,
                                      dependencies: deps }, null, 2) + '\n');
