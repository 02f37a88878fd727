'use strict';
// kafkajs 2.2.4 consumer groups on an instance's listener, and the DMS group views of the same groups
// through the official SDK: a consumer's run, commitOffsets and disconnect (LeaveGroup); the admin client's
// describeGroups, fetchOffsets (plain, and resolveOffsets, which commits through a member's seek),
// resetOffsets and deleteGroups; a REST offset reset read back by the next member; and what the
// coordinator refuses while a member is active. (resetOffsets and resolveOffsets each join the group with a
// paused member that waits out one fetch wait, kafkajs' 5 s default, before it leaves.)
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Kafka, AssignerProtocol, logLevel } = require('kafkajs');
const { startKafkaInstance, withAdmin, kafka } = require('./support');

let emulator;
let client;
let instanceId;
let kafkajs;

before(async () => {
  let bootstrap;
  ({ emulator, client, instanceId, bootstrap } = await startKafkaInstance('kafkajs-groups'));
  kafkajs = new Kafka({
    clientId: 'emu-kafkajs', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 },
  });
});
after(async () => { assert.equal(await emulator.stop(), 0); });

async function createTopic(topic, partitions) {
  await withAdmin(kafkajs, (admin) => admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true }));
}

// Values "p<partition>-<offset>", `count` to each partition from offset `from`.
async function produce(topic, partitions, from, count) {
  const producer = kafkajs.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const messages = [];
    for (let partition = 0; partition < partitions; partition += 1) {
      for (let i = from; i < from + count; i += 1) messages.push({ partition, value: `p${partition}-${i}` });
    }
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

// A group member: joins, runs with manual commits and collects every message; `joined` resolves with the
// GROUP_JOIN payload (memberId, memberAssignment), `until(n)` once n messages came.
async function member(groupId, topic, { fromBeginning = true } = {}) {
  const consumer = kafkajs.consumer({
    groupId, sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 10000, maxWaitTimeInMs: 100,
    retry: { retries: 3 },
  });
  const messages = [];
  const waiters = [];
  const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, (e) => resolve(e.payload)));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      messages.push({ partition, offset: Number(message.offset), value: message.value.toString() });
      for (const w of waiters.filter((x) => messages.length >= x.count)) w.resolve();
    },
  });
  const until = (count, ms = 15000) => new Promise((resolve, reject) => {
    if (messages.length >= count) { resolve(); return; }
    const timer = setTimeout(() => reject(new Error(`${messages.length} of ${count} messages in ${ms} ms`)), ms);
    waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(); } });
  });
  return { consumer, messages, joined, until };
}

const sorted = (messages) => messages.map((m) => [m.partition, m.offset, m.value])
  .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
const rows = (partitions, from, to) => {
  const out = [];
  for (let p = 0; p < partitions; p += 1) for (let o = from; o < to; o += 1) out.push([p, o, `p${p}-${o}`]);
  return out;
};
const committed = (fetched) => fetched[0].partitions.map((p) => [p.partition, p.offset]).sort((a, b) => a[0] - b[0]);

function showGroups(group) {
  return client.showGroups(new kafka.ShowGroupsRequest().withInstanceId(instanceId).withGroup(group));
}

function restReset(group, topic, partition, offset) {
  return client.resetMessageOffsetWithEngine(new kafka.ResetMessageOffsetWithEngineRequest()
    .withInstanceId(instanceId).withGroup(group)
    .withBody(new kafka.ResetMessageOffsetReq().withTopic(topic).withPartition(partition).withMessageOffset(offset)));
}

async function restOffsets(group, topic) {
  const shown = await showGroups(group);
  return shown.group.group_message_offsets.filter((o) => o.topic === topic)
    .map((o) => [o.partition, o.message_current_offset, o.lag]).sort((a, b) => a[0] - b[0]);
}

test('a member runs, commits and leaves; describeGroups, fetchOffsets and the REST views follow it', { timeout: 60000 }, async () => {
  await createTopic('kjs-orders', 3);
  await produce('kjs-orders', 3, 0, 3);
  const m = await member('kjs-billing', 'kjs-orders');
  try {
    const join = await m.joined;
    assert.deepEqual(Object.fromEntries(Object.entries(join.memberAssignment).map(([t, ps]) => [t, [...ps].sort()])),
      { 'kjs-orders': [0, 1, 2] });
    await m.until(9);
    assert.deepEqual(sorted(m.messages), rows(3, 0, 3), 'every message once');
    await m.consumer.commitOffsets([0, 1, 2].map((partition) => ({ topic: 'kjs-orders', partition, offset: '3' })));

    await withAdmin(kafkajs, async (admin) => {
      assert.deepEqual(committed(await admin.fetchOffsets({ groupId: 'kjs-billing', topics: ['kjs-orders'] })),
        [[0, '3'], [1, '3'], [2, '3']]);
      const { groups } = await admin.describeGroups(['kjs-billing']);
      assert.equal(groups.length, 1);
      const [group] = groups;
      assert.equal(group.errorCode, 0);
      assert.equal(group.state, 'Stable');
      assert.equal(group.protocolType, 'consumer');
      assert.equal(group.protocol, 'RoundRobinAssigner');
      assert.equal(group.members.length, 1);
      assert.equal(group.members[0].memberId, join.memberId);
      assert.equal(group.members[0].clientId, 'emu-kafkajs');
      assert.match(group.members[0].clientHost, /127\.0\.0\.1/);
      const assignment = AssignerProtocol.MemberAssignment.decode(group.members[0].memberAssignment);
      assert.deepEqual([...assignment.assignment['kjs-orders']].sort(), [0, 1, 2]);

      // An active group cannot be deleted (NON_EMPTY_GROUP), through the wire or REST.
      const refused = await admin.deleteGroups(['kjs-billing']).then(() => null, (e) => e);
      assert.ok(refused, 'deleteGroups of an active group fails');
      assert.equal(refused.name, 'KafkaJSDeleteGroupsError');
      assert.deepEqual(refused.groups.map((g) => [g.groupId, g.errorCode]), [['kjs-billing', 68]]);
    });

    const shown = await showGroups('kjs-billing');
    assert.equal(shown.group.state, 'Stable');
    assert.equal(shown.group.assignment_strategy, 'RoundRobinAssigner');
    assert.equal(shown.group.members.length, 1);
    const [rest] = shown.group.members;
    assert.deepEqual([rest.member_id, rest.client_id], [join.memberId, 'emu-kafkajs']);
    assert.match(rest.host, /127\.0\.0\.1/);
    assert.deepEqual(rest.assignment.map((a) => [a.topic, [...a.partitions].sort()]), [['kjs-orders', [0, 1, 2]]]);
    assert.deepEqual(await restOffsets('kjs-billing', 'kjs-orders'), [[0, 3, 0], [1, 3, 0], [2, 3, 0]]);
    const listed = await client.listInstanceConsumerGroups(new kafka.ListInstanceConsumerGroupsRequest()
      .withInstanceId(instanceId).withGroup('kjs-billing'));
    assert.deepEqual(listed.groups.map((g) => [g.group_id, g.state, g.lag]), [['kjs-billing', 'STABLE', 0]]);
    const error = await restReset('kjs-billing', 'kjs-orders', -1, 0).then(() => null, (e) => e);
    assert.ok(error, 'a REST reset of an active group fails');
    assert.equal(error.httpStatusCode, 400);
    assert.equal(error.errorCode, 'DMS.00400800');
  } finally {
    await m.consumer.disconnect();
  }

  // disconnect() left the group: Empty, no members, the commits kept.
  await withAdmin(kafkajs, async (admin) => {
    const { groups: [group] } = await admin.describeGroups(['kjs-billing']);
    assert.deepEqual([group.state, group.members], ['Empty', []]);
  });
  const shown = await showGroups('kjs-billing');
  assert.deepEqual([shown.group.state, shown.group.members], ['Empty', []]);
  assert.deepEqual(await restOffsets('kjs-billing', 'kjs-orders'), [[0, 3, 0], [1, 3, 0], [2, 3, 0]]);
});

test('resetOffsets, fetchOffsets with resolveOffsets and a REST reset are where the next member starts; deleteGroups removes the group', { timeout: 90000 }, async () => {
  const [topic, groupId] = ['kjs-ledger', 'kjs-auditors'];
  await createTopic(topic, 2);
  await produce(topic, 2, 0, 4);
  const first = await member(groupId, topic);
  try {
    await first.until(8);
    await first.consumer.commitOffsets([0, 1].map((partition) => ({ topic, partition, offset: '4' })));
  } finally {
    await first.consumer.disconnect();
  }

  await withAdmin(kafkajs, async (admin) => {
    // resetOffsets commits kafkajs' sentinel -2 (earliest), which the coordinator keeps and returns.
    await admin.resetOffsets({ groupId, topic, earliest: true });
    assert.deepEqual(committed(await admin.fetchOffsets({ groupId, topics: [topic] })), [[0, '-2'], [1, '-2']]);
    // After a REST deletion, resolveOffsets turns -2 into each partition's log start and commits that.
    const trim = new kafka.DeleteKafkaTopicMessagesRequest();
    Object.assign(trim, { instanceId, topic, body: Object.assign(new kafka.DeleteKafkaMessageRequestBody(), { partitions: [{ partition: 0, offset: 1 }] }) });
    const trimmed = await client.deleteKafkaTopicMessages(trim);
    assert.equal(trimmed.partitions[0].result, 'success');
    assert.deepEqual(committed(await admin.fetchOffsets({ groupId, topics: [topic], resolveOffsets: true })),
      [[0, '1'], [1, '0']]);
    assert.deepEqual(committed(await admin.fetchOffsets({ groupId, topics: [topic] })), [[0, '1'], [1, '0']]);
  });
  assert.deepEqual(await restOffsets(groupId, topic), [[0, 1, 3], [1, 0, 4]]);

  // The next member starts at the committed offsets, not at its own default (latest).
  let next = await member(groupId, topic, { fromBeginning: false });
  try {
    await next.until(7);
    assert.deepEqual(sorted(next.messages), rows(2, 0, 4).filter(([p, o]) => p === 1 || o >= 1));
    await next.consumer.commitOffsets([0, 1].map((partition) => ({ topic, partition, offset: '4' })));
  } finally {
    await next.consumer.disconnect();
  }

  // A REST reset of every partition: the next member starts there.
  assert.deepEqual(await restOffsets(groupId, topic), [[0, 4, 0], [1, 4, 0]]);
  await restReset(groupId, topic, -1, 2);
  assert.deepEqual(await restOffsets(groupId, topic), [[0, 2, 2], [1, 2, 2]]);
  await withAdmin(kafkajs, async (admin) => {
    assert.deepEqual(committed(await admin.fetchOffsets({ groupId, topics: [topic] })), [[0, '2'], [1, '2']]);
  });
  next = await member(groupId, topic, { fromBeginning: false });
  try {
    await next.until(4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(sorted(next.messages), rows(2, 2, 4));
  } finally {
    await next.consumer.disconnect();
  }

  // An empty group is deleted: gone from REST, Dead to describeGroups, no offsets.
  await withAdmin(kafkajs, async (admin) => {
    assert.deepEqual((await admin.deleteGroups([groupId])).map((g) => [g.groupId, g.errorCode]), [[groupId, 0]]);
    const { groups: [group] } = await admin.describeGroups([groupId]);
    assert.equal(group.state, 'Dead');
    assert.deepEqual(committed(await admin.fetchOffsets({ groupId, topics: [topic] })), [[0, '-1'], [1, '-1']]);
  });
  const listed = await client.listInstanceConsumerGroups(new kafka.ListInstanceConsumerGroupsRequest().withInstanceId(instanceId));
  assert.deepEqual(listed.groups.map((g) => g.group_id).filter((g) => g === groupId), []);
});
