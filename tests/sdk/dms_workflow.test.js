'use strict';
// A realistic DMS for Kafka workflow through the official Node.js SDK only, against an empty emulator:
// instance and topics, messages to chosen partitions, reading them back, message deletion, consumer groups
// with offset resets and lag, and tearing everything down; then every documented error the SDK surfaces.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startEmulator, kafkaClient, kafkaInstanceBody, sdkError, kafka } = require('./support');

const UNKNOWN_INSTANCE = '00000000-0000-4000-8000-000000000000';
const FAR_FUTURE = 4102444800000;  // 2100-01-01: after every message the emulator stamps
let emulator;
let client;
let instanceId;

before(async () => {
  emulator = await startEmulator();
  client = kafkaClient(emulator.endpoint);
});
after(async () => { assert.equal(await emulator.stop(), 0); });

function createInstance(name) {
  return client.createInstanceByEngine(new kafka.CreateInstanceByEngineRequest().withEngine('kafka').withBody(kafkaInstanceBody(name)));
}

function createTopic(id, partition, instance = instanceId) {
  return client.createInstanceTopic(new kafka.CreateInstanceTopicRequest().withInstanceId(instance)
    .withBody(new kafka.CreateInstanceTopicReq().withId(id).withPartition(partition)));
}

function send(topic, body, partition, key) {
  const properties = [{ name: 'PARTITION', value: String(partition) }];
  if (key) properties.push({ name: 'KEY', value: key });
  return client.sendKafkaMessage(new kafka.SendKafkaMessageRequest().withInstanceId(instanceId).withActionId('send')
    .withBody(new kafka.SendKafkaMessageRequestBody().withTopic(topic).withBody(body).withPropertyList(properties)));
}

function messageAt(topic, partition, offset) {
  return client.showInstanceMessages(new kafka.ShowInstanceMessagesRequest().withInstanceId(instanceId)
    .withTopic(topic).withPartition(String(partition)).withMessageOffset(String(offset)));
}

async function beginningOffset(topic, partition) {
  const reply = await client.showPartitionBeginningMessage(new kafka.ShowPartitionBeginningMessageRequest()
    .withInstanceId(instanceId).withTopic(topic).withPartition(partition));
  return reply.offset;
}

function reset(group, body) {
  return client.resetMessageOffsetWithEngine(new kafka.ResetMessageOffsetWithEngineRequest()
    .withInstanceId(instanceId).withGroup(group).withBody(body));
}

function groupOffsets(group, topic) {
  return client.listInstanceConsumerGroupMessageOffset(new kafka.ListInstanceConsumerGroupMessageOffsetRequest()
    .withEngine('kafka').withInstanceId(instanceId).withGroup(group).withTopic(topic));
}

function expectSdkError(error, status, code, message) {
  assert.equal(error.httpStatusCode, status, JSON.stringify(error));
  assert.equal(error.errorCode, code);
  assert.equal(error.errorMsg, message);
  assert.match(error.requestId, /^[0-9a-f]{32}$/);
}

test('the whole workflow', async () => {
  // An instance and two topics.
  const created = await createInstance('workflow-kafka');
  assert.equal(created.httpStatusCode, 200);
  instanceId = created.instance_id;
  assert.match(instanceId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  const shown = await client.showInstance(new kafka.ShowInstanceRequest().withInstanceId(instanceId));
  assert.equal(shown.status, 'RUNNING');
  assert.equal(shown.partition_num, '300');
  const listed = await client.listInstances(new kafka.ListInstancesRequest().withEngine('kafka'));
  assert.equal(listed.instance_num, 1);
  assert.equal(listed.instances[0].instance_id, instanceId);

  assert.equal((await createTopic('orders', 3)).name, 'orders');
  assert.equal((await createTopic('audit', 1)).name, 'audit');
  const topics = await client.listInstanceTopics(new kafka.ListInstanceTopicsRequest().withInstanceId(instanceId));
  assert.equal(topics.total, 2);
  assert.equal(topics.remain_partitions, 296);
  const detail = await client.showKafkaTopicDetail(new kafka.ShowKafkaTopicDetailRequest().withInstanceId(instanceId).withTopic('orders'));
  assert.equal(detail.httpStatusCode, 200);
  assert.equal(detail[0].topic, 'orders');
  assert.deepEqual(detail[0].partitions.map((p) => p.replicas), [[0, 1, 2], [1, 2, 0], [2, 0, 1]]);

  // Messages to chosen partitions, read back.
  for (let i = 0; i < 5; i += 1) await send('orders', `order-${i}`, 0, `k${i}`);
  await send('orders', 'order-on-1', 1);
  const sent = await send('audit', 'audit-0', 0);
  assert.equal(sent.topic, 'audit');
  const third = await messageAt('orders', 0, 2);
  assert.equal(third.total, 1);
  assert.equal(third.messages[0].value, 'order-2');
  assert.equal(third.messages[0].key, 'k2');
  assert.equal(third.messages[0].partition, 0);
  const byTopic = await client.showMessages(new kafka.ShowMessagesRequest().withInstanceId(instanceId).withTopic('orders')
    .withStartTime('0').withEndTime(String(FAR_FUTURE)).withLimit(10).withOffset(1).withPartition('-1'));
  assert.equal(byTopic.messages_count, 6);

  // Delete messages below offset 3 of partition 0; the start moves, the rest stays.
  const deleted = await client.deleteKafkaTopicMessages(new kafka.DeleteKafkaTopicMessagesRequest()
    .withInstanceId(instanceId).withTopic('orders')
    .withBody(new kafka.DeleteKafkaMessageRequestBody().withPartitions([{ partition: 0, offset: 3 }])));
  assert.deepEqual(deleted.partitions, [{ partition: 0, result: 'success', error_code: 0 }]);
  assert.equal(await beginningOffset('orders', 0), 3);
  assert.equal(await beginningOffset('orders', 1), 0);
  assert.equal((await messageAt('orders', 0, 2)).total, 0);
  const partitions = await client.listTopicPartitions(new kafka.ListTopicPartitionsRequest().withInstanceId(instanceId).withTopic('orders'));
  assert.deepEqual(partitions.partitions.map((p) => [p.start_offset, p.last_offset, p.message_count]), [[3, 5, 2], [0, 1, 1], [0, 0, 0]]);

  // A consumer group: created empty, offsets reset, lag read.
  const group = await client.createKafkaConsumerGroup(new kafka.CreateKafkaConsumerGroupRequest().withInstanceId(instanceId)
    .withBody(new kafka.CreateGroupReq().withGroupName('billing').withGroupDesc('invoices')));
  // The answer is the plain text `success`; the Node.js core keeps only JSON objects, so the status is all
  // an SDK user sees.
  assert.equal(group.httpStatusCode, 200);
  const groups = await client.listInstanceConsumerGroups(new kafka.ListInstanceConsumerGroupsRequest().withInstanceId(instanceId));
  assert.equal(groups.total, 1);
  assert.equal(groups.groups[0].group_id, 'billing');
  assert.equal(groups.groups[0].state, 'EMPTY');
  assert.equal(groups.groups[0].lag, 0);

  const earliest = await reset('billing', new kafka.ResetMessageOffsetReq().withTopic('orders').withPartition(-1).withMessageOffset(0));
  assert.equal(earliest.httpStatusCode, 204);
  let offsets = await groupOffsets('billing', 'orders');
  assert.equal(offsets.total, 3);
  assert.deepEqual(offsets.group_message_offsets.map((o) => [o.partition, o.message_current_offset, o.lag]), [[0, 3, 2], [1, 0, 1], [2, 0, 0]]);
  await reset('billing', new kafka.ResetMessageOffsetReq().withTopic('orders').withPartition(0).withMessageOffset(4));
  offsets = await groupOffsets('billing', 'orders');
  assert.equal(offsets.group_message_offsets[0].message_current_offset, 4);
  assert.equal(offsets.group_message_offsets[0].lag, 1);
  const legacy = await client.resetMessageOffset(new kafka.ResetMessageOffsetRequest().withInstanceId(instanceId).withGroup('billing')
    .withBody(new kafka.ResetMessageOffsetReq().withTopic('audit').withPartition(0).withTimestamp(FAR_FUTURE)));
  assert.equal(legacy.httpStatusCode, 204);
  const groupTopics = await client.listInstanceConsumerGroupTopics(new kafka.ListInstanceConsumerGroupTopicsRequest()
    .withEngine('kafka').withInstanceId(instanceId).withGroup('billing').withSortKey('topic').withSortDir('asc'));
  assert.deepEqual(groupTopics.topics, [{ topic: 'audit', partitions: 1, lag: 0 }, { topic: 'orders', partitions: 3, lag: 2 }]);
  const shownGroup = await client.showGroup(new kafka.ShowGroupRequest().withInstanceId(instanceId).withGroup('billing'));
  assert.equal(shownGroup.group.group_desc, 'invoices');

  // Tear down: groups, topics, the instance.
  await client.createKafkaConsumerGroup(new kafka.CreateKafkaConsumerGroupRequest().withInstanceId(instanceId)
    .withBody(new kafka.CreateGroupReq().withGroupName('audit-readers')));
  await client.createKafkaConsumerGroup(new kafka.CreateKafkaConsumerGroupRequest().withInstanceId(instanceId)
    .withBody(new kafka.CreateGroupReq().withGroupName('spare')));
  const batch = await client.batchDeleteGroup(new kafka.BatchDeleteGroupRequest().withInstanceId(instanceId)
    .withBody(new kafka.BatchDeleteGroupReq().withGroupIds(['audit-readers', 'ghost'])));
  assert.equal(batch.total, 1);
  assert.deepEqual(batch.failed_groups, [{ group_id: 'ghost', error_message: 'The consumer group does not exist.' }]);
  assert.equal((await client.deleteGroup(new kafka.DeleteGroupRequest().withInstanceId(instanceId).withGroup('billing'))).httpStatusCode, 204);
  assert.equal((await client.deleteInstanceConsumerGroup(new kafka.DeleteInstanceConsumerGroupRequest()
    .withEngine('kafka').withInstanceId(instanceId).withGroup('spare'))).httpStatusCode, 200);
  const remaining = await client.listInstanceConsumerGroups(new kafka.ListInstanceConsumerGroupsRequest().withInstanceId(instanceId));
  assert.equal(remaining.total, 0);

  const topicsDeleted = await client.batchDeleteInstanceTopic(new kafka.BatchDeleteInstanceTopicRequest().withInstanceId(instanceId)
    .withBody(new kafka.BatchDeleteInstanceTopicReq().withTopics(['orders', 'audit', 'missing'])));
  assert.deepEqual(topicsDeleted.topics, [{ id: 'orders', success: true }, { id: 'audit', success: true }, { id: 'missing', success: false }]);

  const gone = await client.deleteInstance(new kafka.DeleteInstanceRequest().withInstanceId(instanceId));
  assert.equal(gone.httpStatusCode, 204);
  const error = await sdkError(client.showInstance(new kafka.ShowInstanceRequest().withInstanceId(instanceId)));
  expectSdkError(error, 404, 'DMS.00404022', 'This DMS instance does not exist.');
});

test('every documented error reaches the SDK exception with its status, code, message and request id', async () => {
  const created = await createInstance('errors-kafka');
  instanceId = created.instance_id;
  await createTopic('orders', 1);
  await client.createKafkaConsumerGroup(new kafka.CreateKafkaConsumerGroupRequest().withInstanceId(instanceId)
    .withBody(new kafka.CreateGroupReq().withGroupName('billing')));

  expectSdkError(await sdkError(createInstance('errors-kafka')), 400, 'DMS.00400060', 'This instance name already exists.');
  expectSdkError(await sdkError(client.createInstanceByEngine(new kafka.CreateInstanceByEngineRequest().withEngine('kafka')
    .withBody(kafkaInstanceBody('1bad')))), 400, 'DMS.00400010',
  'Invalid instance name. The name must be 4 to 64 characters long, start with a letter, and contain only letters, digits, hyphens (-), and underscores (_).');
  expectSdkError(await sdkError(client.showInstance(new kafka.ShowInstanceRequest().withInstanceId('not-a-uuid'))),
    400, 'DMS.00400030', 'Invalid DMS instance id. The id must be a uuid.');
  expectSdkError(await sdkError(client.deleteInstance(new kafka.DeleteInstanceRequest().withInstanceId(UNKNOWN_INSTANCE))),
    404, 'DMS.00404022', 'This DMS instance does not exist.');
  expectSdkError(await sdkError(client.listInstances(new kafka.ListInstancesRequest().withEngine('kafka').withOffset('5'))),
    400, 'DMS.40050010', 'Offset parameter is invalid.');
  expectSdkError(await sdkError(createTopic('orders', 1)), 400, 'DMS.00400062', 'Invalid topic in the request.');
  expectSdkError(await sdkError(createTopic('huge', 201)), 400, 'DMS.00400102',
    'The number of partitions in a topic must be within the range of 1-200.');
  expectSdkError(await sdkError(client.updateInstanceTopic(new kafka.UpdateInstanceTopicRequest().withInstanceId(instanceId)
    .withBody(new kafka.UpdateInstanceTopicReq().withTopics([{ id: 'orders', new_partition_numbers: 0 }])))),
  400, 'DMS.00400102', 'The number of partitions in a topic must be within the range of 1-200.');
  expectSdkError(await sdkError(client.createInstanceTopic(new kafka.CreateInstanceTopicRequest().withInstanceId(instanceId)
    .withBody(new kafka.CreateInstanceTopicReq().withId('long-lived').withRetentionTime(721)))), 400, 'DMS.00400105',
  'The message retention period of a topic must be within the range of 1-720.');
  expectSdkError(await sdkError(client.updateInstanceTopic(new kafka.UpdateInstanceTopicRequest().withInstanceId(instanceId)
    .withBody(new kafka.UpdateInstanceTopicReq().withTopics([{ id: 'orders', topic_other_configs: [{ name: 'cleanup.policy', value: 'compact' }] }])))),
  400, 'DMS.00400063', 'Invalid configuration parameter cleanup.policy.');
  expectSdkError(await sdkError(client.showInstanceTopicDetail(new kafka.ShowInstanceTopicDetailRequest()
    .withInstanceId(instanceId).withTopic('missing'))), 400, 'DMS.00400062', 'Invalid topic in the request.');
  expectSdkError(await sdkError(client.createKafkaConsumerGroup(new kafka.CreateKafkaConsumerGroupRequest().withInstanceId(instanceId)
    .withBody(new kafka.CreateGroupReq().withGroupName('billing')))), 400, 'DMS.10240018', 'The consumer group already exists.');
  expectSdkError(await sdkError(client.deleteGroup(new kafka.DeleteGroupRequest().withInstanceId(instanceId).withGroup('ghost'))),
    400, 'DMS.111400864', 'The consumer group does not exist.');
  expectSdkError(await sdkError(reset('billing', new kafka.ResetMessageOffsetReq().withTopic('orders').withPartition(0).withTimestamp(-1))),
    400, 'DMS.00400142', 'Timestamp is invalid.');
  expectSdkError(await sdkError(reset('ghost', new kafka.ResetMessageOffsetReq().withTopic('orders').withPartition(0).withMessageOffset(0))),
    400, 'DMS.111400864', 'The consumer group does not exist.');
  expectSdkError(await sdkError(client.listInstanceConsumerGroupMembers(new kafka.ListInstanceConsumerGroupMembersRequest()
    .withEngine('kafka').withInstanceId(instanceId).withGroup('billing').withOffset(3))), 400, 'DMS.00400062',
  'Invalid {0} parameter in the request.');
  expectSdkError(await sdkError(client.showInstanceMessages(new kafka.ShowInstanceMessagesRequest().withInstanceId(instanceId)
    .withTopic('orders').withPartition('9').withMessageOffset('0'))), 400, 'DMS.00400062', 'Invalid partition parameter in the request.');
  // An unknown group on the engine path is not an error: Kafka reports it DEAD.
  const dead = await client.listInstanceConsumerGroup(new kafka.ListInstanceConsumerGroupRequest().withEngine('kafka')
    .withInstanceId(instanceId).withGroup('ghost'));
  assert.equal(dead.group.state, 'DEAD');
});
