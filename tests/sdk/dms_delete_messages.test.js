'use strict';
// DeleteKafkaTopicMessages through the official Node.js SDK, against examples/fixture.json.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { INSTANCE_ID, startEmulator, kafkaClient, sdkError, kafka } = require('./support');

const FIXTURE = path.join(__dirname, '..', '..', 'examples', 'fixture.json');
let emulator;
let client;

before(async () => {
  emulator = await startEmulator(['--fixture', FIXTURE]);
  client = kafkaClient(emulator.endpoint);
});
after(async () => { assert.equal(await emulator.stop(), 0); });

function deleteRequest(topic, partitions, instanceId = INSTANCE_ID) {
  const body = new kafka.DeleteKafkaMessageRequestBody();
  body.partitions = partitions;
  const request = new kafka.DeleteKafkaTopicMessagesRequest();
  request.instanceId = instanceId;
  request.topic = topic;
  request.body = body;
  return request;
}

async function beginning(partition) {
  const request = new kafka.ShowPartitionBeginningMessageRequest();
  request.instanceId = INSTANCE_ID;
  request.topic = 'orders';
  request.partition = partition;
  return client.showPartitionBeginningMessage(request);
}

test('deleting messages moves the log start seen by the beginning-message and partition calls', async () => {
  assert.equal((await beginning(0)).offset, 0);

  const result = await client.deleteKafkaTopicMessages(deleteRequest('orders', [
    { partition: 0, offset: 2 },
    { partition: 1, offset: 99 },
    { partition: 7, offset: 1 },
  ]));
  assert.equal(result.httpStatusCode, 200);
  assert.deepEqual(result.partitions, [
    { partition: 0, result: 'success', error_code: 0 },
    { partition: 1, result: 'failed', error_code: 1 },
    { partition: 7, result: 'failed', error_code: 3 },
  ]);

  const start = await beginning(0);
  assert.equal(start.offset, 2);
  assert.equal(start.timestamp, 1700000003000);

  const list = new kafka.ListTopicPartitionsRequest();
  list.instanceId = INSTANCE_ID;
  list.topic = 'orders';
  const partitions = await client.listTopicPartitions(list);
  assert.equal(partitions.total, 3);
  assert.deepEqual(partitions.partitions[0],
    { partition: 0, start_offset: 2, last_offset: 5, message_count: 3, last_update_time: 1700000005000 });
});

test('an unknown instance raises the SDK exception with DMS.00404022 and the request id', async () => {
  const error = await sdkError(client.deleteKafkaTopicMessages(
    deleteRequest('orders', [{ partition: 0, offset: 1 }], '00000000-0000-4000-8000-000000000000')));
  assert.equal(error.httpStatusCode, 404);
  assert.equal(error.errorCode, 'DMS.00404022');
  assert.equal(error.errorMsg, 'This DMS instance does not exist.');
  assert.match(error.requestId, /^[0-9a-f]{32}$/);
});

test('an unknown topic raises DMS.00400062 "Invalid topic in the request."', async () => {
  const error = await sdkError(client.deleteKafkaTopicMessages(deleteRequest('missing', [{ partition: 0, offset: 1 }])));
  assert.equal(error.httpStatusCode, 400);
  assert.equal(error.errorCode, 'DMS.00400062');
  assert.equal(error.errorMsg, 'Invalid topic in the request.');
});

test('an entry without an offset is refused and changes nothing', async () => {
  const before = (await beginning(0)).offset;
  const error = await sdkError(client.deleteKafkaTopicMessages(deleteRequest('orders', [{ partition: 0 }])));
  assert.equal(error.httpStatusCode, 400);
  assert.equal(error.errorCode, 'DMS.00400062');
  assert.equal(error.errorMsg, 'Invalid partitions[0].offset parameter in the request.');
  assert.equal((await beginning(0)).offset, before);
});
