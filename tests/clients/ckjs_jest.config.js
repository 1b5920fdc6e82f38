// jest for confluent-kafka-javascript's schemaregistry/e2e in run_ckjs.sh's
// scratch tree (this file is copied to its root as jest.config.js).
module.exports = {
  rootDir: __dirname,
  roots: ['<rootDir>/schemaregistry/e2e'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', {
      tsconfig: '<rootDir>/schemaregistry/tsconfig.json',
      diagnostics: false,
    }],
  },
  moduleNameMapper: {
    '^@confluentinc/kafka-javascript$': '<rootDir>/ckjs_kafka.js',
  },
  testTimeout: 30000,
};
