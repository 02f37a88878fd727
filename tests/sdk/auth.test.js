'use strict';
// Authentication through the official Node.js SDK against strict mode: a key from the credentials
// file signs correctly; a wrong secret or a key bound to another project raises the documented errors.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const core = require('@huaweicloud/huaweicloud-sdk-core');
const { PROJECT_ID, INSTANCE_ID, CREDENTIALS, startEmulator, kafkaClient, sdkError, kafka } = require('./support');

const FIXTURE = path.join(__dirname, '..', '..', 'examples', 'fixture.json');
const OTHER_PROJECT = 'fedcba9876543210fedcba9876543210';
let emulator;

before(async () => {
  emulator = await startEmulator(['--fixture', FIXTURE, '--auth-mode', 'strict', '--credentials', CREDENTIALS]);
});
after(async () => { assert.equal(await emulator.stop(), 0); });

function clientWith(ak, sk, projectId = PROJECT_ID) {
  const credentials = new core.BasicCredentials().withAk(ak).withSk(sk).withProjectId(projectId);
  return kafka.KafkaClient.newBuilder().withCredential(credentials).withEndpoint(emulator.endpoint).build();
}

function beginningRequest() {
  const request = new kafka.ShowPartitionBeginningMessageRequest();
  request.instanceId = INSTANCE_ID;
  request.topic = 'orders';
  request.partition = 0;
  return request;
}

test('a configured key signs its way in', async () => {
  const result = await kafkaClient(emulator.endpoint).showPartitionBeginningMessage(beginningRequest());
  assert.equal(result.httpStatusCode, 200);
  assert.equal(result.topic, 'orders');
});

test('a wrong secret raises APIGW.0301 "verify aksk signature fail" with the request id', async () => {
  const client = clientWith('EXAMPLEAK0000000DMS1', 'not-the-configured-secret');
  const error = await sdkError(client.showPartitionBeginningMessage(beginningRequest()));
  assert.equal(error.httpStatusCode, 401);
  assert.equal(error.errorCode, 'APIGW.0301');
  assert.match(error.errorMsg, /^Incorrect IAM authentication information: verify aksk signature fail, /);
  assert.match(error.requestId, /^[0-9a-f]{32}$/);
});

test('an unknown access key raises APIGW.0301 naming the key', async () => {
  const client = clientWith('UNKNOWNAK0000000000X', 'whatever');
  const error = await sdkError(client.showPartitionBeginningMessage(beginningRequest()));
  assert.equal(error.httpStatusCode, 401);
  assert.equal(error.errorCode, 'APIGW.0301');
  assert.equal(error.errorMsg,
    'Incorrect IAM authentication information: Get secretKey failed,ak:UNKNOWNAK0000000000X,err:ak not exist');
});

test('a key bound to another project raises DMS.10240104', async () => {
  const client = clientWith('EXAMPLEAK0000000DIS1', 'exampleSecretKey0123456789abcdefEXAMPLESK', OTHER_PROJECT);
  const error = await sdkError(client.showPartitionBeginningMessage(beginningRequest()));
  assert.equal(error.httpStatusCode, 401);
  assert.equal(error.errorCode, 'DMS.10240104');
  assert.equal(error.errorMsg, 'The project ID and token do not match.');
  assert.match(error.requestId, /^[0-9a-f]{32}$/);
});
