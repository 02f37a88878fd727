'use strict';
// kafkajs 2.2.4 against an instance's Kafka listener, beside the official SDK on the same logs: producing
// with each acks setting and gzip, the admin client's createTopics, fetchTopicOffsets and
// deleteTopicRecords, and the headline: messages produced with kafkajs, deleted through the DMS REST API
// (the legacy DELETE .../messages and POST .../messages/delete, both through the SDK's client), then read
// by kafkajs from the new log start. Reading goes through kafkajs' cluster and broker (Fetch by offset, no
// group), which a kafkajs consumer runs on; kafkajs_groups.test.js covers its consumer groups.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Kafka, CompressionTypes, logLevel } = require('kafkajs');
const { startKafkaInstance, withAdmin, kafka } = require('./support');

let emulator;
let client;
let instanceId;
let brokers;
let kafkajs;

before(async () => {
  let shown;
  let bootstrap;
  ({ emulator, client, instanceId, shown, bootstrap } = await startKafkaInstance('kafkajs-01'));
  assert.ok(shown.port > 0, `ShowInstance reports the listener's port: ${JSON.stringify(shown.port)}`);
  brokers = [bootstrap];
  kafkajs = new Kafka({ clientId: 'emu-kafkajs', brokers, logLevel: logLevel.NOTHING, retry: { retries: 3 } });
});
after(async () => { assert.equal(await emulator.stop(), 0); });

async function withProducer(work) {
  const producer = kafkajs.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    return await work(producer);
  } finally {
    await producer.disconnect();
  }
}

function createTopic(topic, partitions = 1) {
  return withAdmin(kafkajs, (admin) => admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true }));
}

// {partition: {low, high}} from admin.fetchTopicOffsets.
async function offsets(topic) {
  const listed = await withAdmin(kafkajs, (admin) => admin.fetchTopicOffsets(topic));
  return Object.fromEntries(listed.map((p) => [p.partition, { low: p.low, high: p.high }]));
}

// Reads one partition from `offset` with a Fetch and no group, as a kafkajs consumer's fetch loop does:
// the leader from Metadata, then Fetch on that broker. Resolves to the messages, or rejects with the
// broker's error (kafkajs' KafkaJSProtocolError, e.g. OFFSET_OUT_OF_RANGE).
async function readFrom(topic, partition, offset) {
  const symbol = Object.getOwnPropertySymbols(kafkajs).find((s) => s.description === 'private:Kafka:createCluster');
  const cluster = kafkajs[symbol]({});
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    const leaders = cluster.findLeaderForPartitions(topic, [partition]);
    const nodeId = Object.keys(leaders)[0];
    const broker = await cluster.findBroker({ nodeId });
    const response = await broker.fetch({
      maxWaitTime: 100,
      minBytes: 1,
      topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes: 1048576 }] }],
    });
    const answer = response.responses[0].partitions[0];
    return answer.messages.filter((m) => BigInt(m.offset) >= BigInt(offset)).map((m) => ({
      offset: Number(m.offset), key: m.key && m.key.toString(), value: m.value.toString(),
    }));
  } finally {
    await cluster.disconnect();
  }
}

function deleteBody(partitions) {
  const body = new kafka.DeleteKafkaMessageRequestBody();
  body.partitions = partitions;
  return body;
}

test('createTopics creates a topic REST lists, and answers false for one that exists', async () => {
  assert.equal(await createTopic('created', 2), true);
  const listed = await client.listInstanceTopics(new kafka.ListInstanceTopicsRequest().withInstanceId(instanceId));
  const topic = listed.topics.find((t) => t.name === 'created');
  assert.ok(topic, JSON.stringify(listed.topics));
  assert.equal(topic.partition, 2);
  assert.equal(await createTopic('created', 2), false);
  const refused = await withAdmin(kafkajs, (admin) => admin.createTopics({ topics: [{ topic: 'bad/name' }] }).then(
    () => null, (error) => error));
  assert.ok(refused, 'an illegal name is refused');
  assert.match(refused.message, /Topic creation errors|illegal/i);
});

test('the producer stores with acks -1, 1 and 0 and gzip, and fetchTopicOffsets sees every message', async () => {
  await createTopic('produced', 1);
  await withProducer(async (producer) => {
    for (const acks of [-1, 1]) {
      const [metadata] = await producer.send({ topic: 'produced', acks, messages: [{ key: `k${acks}`, value: `acks ${acks}` }] });
      assert.equal(metadata.errorCode, 0);
      assert.equal(metadata.partition, 0);
    }
    const gzipped = await producer.send({
      topic: 'produced', acks: -1, compression: CompressionTypes.GZIP,
      messages: [{ value: 'gz-1', headers: { trace: 't1' } }, { value: 'gz-2' }, { value: 'gz-3' }],
    });
    assert.equal(gzipped[0].baseOffset, '2');
    // acks 0 has no answer: kafkajs resolves at once; the message is there for the next request.
    await producer.send({ topic: 'produced', acks: 0, messages: [{ value: 'fire and forget' }] });
  });
  assert.deepEqual(await offsets('produced'), { 0: { low: '0', high: '6' } });
  const read = await readFrom('produced', 0, 0);
  assert.deepEqual(read.map((m) => m.value), ['acks -1', 'acks 1', 'gz-1', 'gz-2', 'gz-3', 'fire and forget']);
  // The REST view decodes the gzip batch's records too.
  const shown = await client.showInstanceMessages(new kafka.ShowInstanceMessagesRequest().withInstanceId(instanceId)
    .withTopic('produced').withPartition('0').withMessageOffset('3'));
  assert.equal(shown.messages[0].value, 'gz-2');
});

test('deleteTopicRecords moves the low watermark that fetchTopicOffsets and REST report', async () => {
  await createTopic('trimmed', 2);
  await withProducer((producer) => producer.send({
    topic: 'trimmed', messages: [0, 1, 2, 3].map((i) => ({ partition: 0, value: `m${i}` })),
  }));
  // kafkajs looks the leaders up in metadata its admin has already loaded, which fetchTopicOffsets does.
  const trim = (offset) => withAdmin(kafkajs, async (admin) => {
    await admin.fetchTopicOffsets('trimmed');
    await admin.deleteTopicRecords({ topic: 'trimmed', partitions: [{ partition: 0, offset }] });
  });
  await trim('3');
  assert.deepEqual(await offsets('trimmed'), { 0: { low: '3', high: '4' }, 1: { low: '0', high: '0' } });
  const partitions = await client.listTopicPartitions(new kafka.ListTopicPartitionsRequest().withInstanceId(instanceId).withTopic('trimmed'));
  assert.equal(partitions.partitions[0].start_offset, 3);
  // -1: everything up to the high watermark.
  await trim('-1');
  assert.deepEqual((await offsets('trimmed'))[0], { low: '4', high: '4' });
});

test('produced with kafkajs, deleted through the DMS REST API, read by kafkajs from the new start', async () => {
  await createTopic('headline', 2);
  await withProducer((producer) => producer.send({
    topic: 'headline',
    messages: [0, 1, 2, 3, 4, 5].map((i) => ({ partition: i % 2, key: `k${i}`, value: `v${i}` })),
  }));
  assert.deepEqual(await offsets('headline'), { 0: { low: '0', high: '3' }, 1: { low: '0', high: '3' } });

  // The legacy DELETE .../messages (not in this SDK version's operations), sent by the SDK's own client.
  const legacy = await client.hcClient.sendRequest({
    method: 'DELETE',
    url: '/v2/{project_id}/kafka/instances/{instance_id}/topics/{topic}/messages',
    contentType: 'application/json',
    queryParams: {},
    pathParams: { instance_id: instanceId, topic: 'headline' },
    headers: { 'Content-Type': 'application/json' },
    data: deleteBody([{ partition: 0, offset: 2 }]),
    responseHeaders: [''],
  });
  assert.equal(legacy.httpStatusCode, 200);
  assert.deepEqual(legacy.partitions, [{ partition: 0, result: 'success', error_code: 0 }]);

  // DeleteKafkaTopicMessages, POST .../messages/delete.
  const request = new kafka.DeleteKafkaTopicMessagesRequest();
  request.instanceId = instanceId;
  request.topic = 'headline';
  request.body = deleteBody([{ partition: 1, offset: 1 }]);
  const deleted = await client.deleteKafkaTopicMessages(request);
  assert.equal(deleted.httpStatusCode, 200);
  assert.deepEqual(deleted.partitions, [{ partition: 1, result: 'success', error_code: 0 }]);

  assert.deepEqual(await offsets('headline'), { 0: { low: '2', high: '3' }, 1: { low: '1', high: '3' } });
  assert.deepEqual(await readFrom('headline', 0, 2), [{ offset: 2, key: 'k4', value: 'v4' }]);
  assert.deepEqual((await readFrom('headline', 1, 1)).map((m) => m.value), ['v3', 'v5']);
  // Below the new start is out of range, which is how a consumer learns of the deletion.
  await assert.rejects(readFrom('headline', 0, 0), (error) => error.type === 'OFFSET_OUT_OF_RANGE');
});
