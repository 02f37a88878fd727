'use strict';
// The DMS cluster operations through the official Node.js SDK: ShowCluster and ShowKafkaCluster (the
// brokers ShowInstance's bootstrap list names), CreatePartition, ShowKafkaTopicPartitionDiskusage,
// ListTopicProducers, ShowInstanceConfigs and ModifyInstanceConfigs, with the errors the SDK surfaces;
// ShowCoordinators against the brokers the instance's Kafka listener advertises (kafkajs' Metadata).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Kafka, logLevel } = require('kafkajs');
const { startKafkaInstance, withAdmin, sdkError, kafka } = require('./support');

let emulator;
let client;
let instanceId;
let bootstrap;

before(async () => {
  ({ emulator, client, instanceId, bootstrap } = await startKafkaInstance('cluster-ops-kafka'));
});
after(async () => { assert.equal(await emulator.stop(), 0); });

test('cluster views, partitions, disk usage and producers', async () => {
  const shown = await client.showInstance(new kafka.ShowInstanceRequest().withInstanceId(instanceId));
  const cluster = await client.showCluster(new kafka.ShowClusterRequest().withInstanceId(instanceId));
  assert.equal(cluster.httpStatusCode, 200);
  assert.equal(cluster.cluster.controller, '0');
  assert.equal(cluster.cluster.brokers.map((b) => `${b.host}:${b.port}`).join(','), shown.kafka_private_connect_address);
  assert.deepEqual(cluster.cluster.brokers.map((b) => [b.broker_id, b.is_controller, b.is_health]),
    [['0', true, true], ['1', false, true], ['2', false, true]]);
  assert.equal(cluster.cluster.topics_count, 0);

  const brokers = await client.showKafkaCluster(new kafka.ShowKafkaClusterRequest().withInstanceId(instanceId));
  assert.deepEqual(brokers.cluster.brokers.map((b) => `${b.broker_id}@${b.host}:${b.port}/${b.health}`),
    cluster.cluster.brokers.map((b) => `${b.broker_id}@${b.host}:${b.port}/true`));

  // A topic of one partition grows to four through CreatePartition (204).
  await client.createInstanceTopic(new kafka.CreateInstanceTopicRequest().withInstanceId(instanceId)
    .withBody(new kafka.CreateInstanceTopicReq().withId('orders').withPartition(1)));
  const grown = await client.createPartition(new kafka.CreatePartitionRequest().withInstanceId(instanceId)
    .withTopic('orders').withBody(new kafka.CreatePartitionReq().withPartition(4)));
  assert.equal(grown.httpStatusCode, 204);
  const partitions = await client.listTopicPartitions(new kafka.ListTopicPartitionsRequest()
    .withInstanceId(instanceId).withTopic('orders'));
  assert.equal(partitions.total, 4);
  const after = await client.showCluster(new kafka.ShowClusterRequest().withInstanceId(instanceId));
  assert.equal(after.cluster.topics_count, 1);
  assert.equal(after.cluster.partitions_count, 4);
  assert.equal(after.cluster.replicas_count, 12);

  // 2000 bytes on partition 3, a little over 2 KiB as the record batch it is stored in: its three
  // replicas, one on each broker.
  await client.sendKafkaMessage(new kafka.SendKafkaMessageRequest().withInstanceId(instanceId).withActionId('send')
    .withBody(new kafka.SendKafkaMessageRequestBody().withTopic('orders').withBody('z'.repeat(2000))
      .withPropertyList([{ name: 'PARTITION', value: '3' }])));
  const usage = await client.showKafkaTopicPartitionDiskusage(new kafka.ShowKafkaTopicPartitionDiskusageRequest()
    .withInstanceId(instanceId).withMinSize('1K'));
  assert.equal(usage.broker_list.length, 3);
  for (const broker of usage.broker_list) {
    assert.equal(broker.data_disk_size, '100G');
    assert.equal(broker.data_disk_use, '2K');
    assert.deepEqual(broker.topic_list.map((t) => [t.topic_name, t.topic_partition, t.size]), [['orders', '3', '2K']]);
    assert.ok(broker.topic_list[0].percentage > 0);
  }

  // Only Kafka producers are listed; the REST send is not one.
  const producers = await client.listTopicProducers(new kafka.ListTopicProducersRequest()
    .withInstanceId(instanceId).withTopic('orders').withOffset(0).withLimit(10));
  assert.equal(producers.total, 0);
  assert.deepEqual(producers.producers, []);

  const tooFew = await sdkError(client.createPartition(new kafka.CreatePartitionRequest().withInstanceId(instanceId)
    .withTopic('orders').withBody(new kafka.CreatePartitionReq().withPartition(4))));
  assert.equal(tooFew.httpStatusCode, 400);
  assert.equal(tooFew.errorCode, 'DMS.00400102');
  const badTop = await sdkError(client.showKafkaTopicPartitionDiskusage(new kafka.ShowKafkaTopicPartitionDiskusageRequest()
    .withInstanceId(instanceId).withTop('0')));
  assert.equal(badTop.errorCode, 'DMS.00400062');
});

test('instance configs', async () => {
  const listed = await client.showInstanceConfigs(new kafka.ShowInstanceConfigsRequest().withInstanceId(instanceId));
  assert.deepEqual(listed.kafka_configs.map((c) => `${c.name}=${c.value}/${c.config_type}`),
    ['auto.create.topics.enable=false/static', 'default.replication.factor=3/static',
      'log.retention.hours=72/static', 'num.partitions=3/static']);

  const modified = await client.modifyInstanceConfigs(new kafka.ModifyInstanceConfigsRequest().withInstanceId(instanceId)
    .withBody(new kafka.ModifyInstanceConfigsReq().withKafkaConfigs([
      new kafka.ModifyInstanceConfig().withName('num.partitions').withValue('6'),
      new kafka.ModifyInstanceConfig().withName('auto.create.topics.enable').withValue('true')])));
  assert.equal(modified.httpStatusCode, 200);
  assert.match(modified.job_id, /^[0-9a-f]{32}$/);
  assert.equal(modified.static_config, 2);
  assert.equal(modified.dynamic_config, 0);
  const shown = await client.showInstance(new kafka.ShowInstanceRequest().withInstanceId(instanceId));
  assert.equal(shown.enable_auto_topic, true);

  const refused = await sdkError(client.modifyInstanceConfigs(new kafka.ModifyInstanceConfigsRequest().withInstanceId(instanceId)
    .withBody(new kafka.ModifyInstanceConfigsReq().withKafkaConfigs([
      new kafka.ModifyInstanceConfig().withName('num.partitions').withValue('9'),
      new kafka.ModifyInstanceConfig().withName('num.partitions').withValue('201')]))));
  assert.equal(refused.httpStatusCode, 400);
  assert.equal(refused.errorCode, 'DMS.00400063');
  assert.equal(refused.errorMsg, 'Invalid configuration parameter num.partitions.');
  const again = await client.showInstanceConfigs(new kafka.ShowInstanceConfigsRequest().withInstanceId(instanceId));
  assert.equal(again.kafka_configs.find((c) => c.name === 'num.partitions').value, '6');
});

test('ShowCoordinators names each group\'s coordinator as the Kafka listener advertises it', async () => {
  const none = await client.showCoordinators(new kafka.ShowCoordinatorsRequest().withInstanceId(instanceId));
  assert.equal(none.httpStatusCode, 200);
  assert.deepEqual(none.coordinators, []);

  const groups = ['billing', 'audit', 'reports', 'alerts'];
  for (const name of groups) {
    await client.createKafkaConsumerGroup(new kafka.CreateKafkaConsumerGroupRequest().withInstanceId(instanceId)
      .withBody(new kafka.CreateGroupReq().withGroupName(name)));
  }
  const shown = await client.showCoordinators(new kafka.ShowCoordinatorsRequest().withInstanceId(instanceId));
  assert.equal(shown.httpStatusCode, 200);
  // Every field of the SDK's ShowCoordinatorsRespCoordinators, and nothing else; groups sorted by name.
  for (const c of shown.coordinators) assert.deepEqual(Object.keys(c).sort(), ['group_id', 'host', 'id', 'port']);
  assert.deepEqual(shown.coordinators.map((c) => c.group_id), [...groups].sort());

  // Each coordinator is one of the brokers Metadata lists, at its advertised host and port, and the
  // broker the group's REST view names (coordinator_id).
  const metadata = await withAdmin(
    new Kafka({ clientId: 'emu-coordinators', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } }),
    (admin) => admin.describeCluster());
  const brokers = new Map(metadata.brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`]));
  assert.equal(brokers.size, 3);
  assert.equal(brokers.get(0), bootstrap, 'broker 0 is at ShowInstance\'s connect_address and port');
  const instance = await client.showInstance(new kafka.ShowInstanceRequest().withInstanceId(instanceId));
  const addresses = instance.kafka_private_connect_address.split(',');
  for (const c of shown.coordinators) {
    assert.equal(`${c.host}:${c.port}`, brokers.get(c.id), `${c.group_id}'s coordinator ${c.id}`);
    assert.equal(`${c.host}:${c.port}`, addresses[c.id]);
    const group = await client.showGroup(new kafka.ShowGroupRequest().withInstanceId(instanceId).withGroup(c.group_id));
    assert.equal(group.group.coordinator_id, c.id);
  }
  // Groups hash to more than one broker: the test compares more than broker 0.
  assert.ok(new Set(shown.coordinators.map((c) => c.id)).size > 1, JSON.stringify(shown.coordinators));

  const unknown = await sdkError(client.showCoordinators(new kafka.ShowCoordinatorsRequest().withInstanceId('00000000-0000-4000-8000-000000000000')));
  assert.equal(unknown.httpStatusCode, 404);
  assert.equal(unknown.errorCode, 'DMS.00404022');
});
