'use strict';
// Starts the built emulator on a free port for one test file and builds official SDK clients for it.
const { spawn } = require('node:child_process');
const readline = require('node:readline');
const core = require('@huaweicloud/huaweicloud-sdk-core');
const kafka = require('@huaweicloud/huaweicloud-sdk-kafka');

const PROJECT_ID = '0123456789abcdef0123456789abcdef';
const INSTANCE_ID = '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';  // pinned in examples/fixture.json
// EMU_AUTH=strict (CTest's sdk.node.strict) runs every file against signature verification with the
// example credentials file, which configures the key kafkaClient signs with.
const CREDENTIALS = require('node:path').join(__dirname, '..', '..', 'examples', 'credentials.json');
function authArgs(args) {
  if (process.env.EMU_AUTH !== 'strict' || args.includes('--auth-mode')) return [];
  return ['--auth-mode', 'strict', '--credentials', CREDENTIALS];
}

function binary() {
  const path = process.env.EMU_BINARY;
  if (!path) throw new Error('EMU_BINARY must name the built stream-emulator binary');
  return path;
}

// Resolves to {endpoint, stop()} once the emulator prints its ready line.
function startEmulator(args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary(), ['--port', '0', '--log-level', 'warn', ...authArgs(args), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('emulator did not start in 10 s')); }, 10000);
    child.once('exit', (code) => reject(new Error(`emulator exited early with ${code}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (!match) { child.kill('SIGKILL'); reject(new Error(`unexpected first line: ${line}`)); return; }
      resolve({
        endpoint: match[1],
        stop: () => new Promise((done) => { child.removeAllListeners('exit'); child.once('exit', (code) => done(code)); child.kill('SIGTERM'); }),
      });
    });
  });
}

function kafkaClient(endpoint, projectId = PROJECT_ID) {
  const credentials = new core.BasicCredentials()
    .withAk('EXAMPLEAK0000000DMS1')
    .withSk('exampleSecretKey0123456789abcdefEXAMPLESK')
    .withProjectId(projectId);
  return kafka.KafkaClient.newBuilder().withCredential(credentials).withEndpoint(endpoint).build();
}

// CreateInstanceByEngine's body for a Kafka 3.x instance of three brokers named `name`.
function kafkaInstanceBody(name) {
  return new kafka.CreateInstanceByEngineReq()
    .withName(name).withEngine('kafka').withEngineVersion('3.x').withBrokerNum(3).withStorageSpace(300)
    .withProductId('c6.2u4g.cluster').withStorageSpecCode('dms.physical.storage.ultra.v2')
    .withVpcId('vpc-1').withSubnetId('subnet-1').withSecurityGroupId('sg-1').withAvailableZones(['az-1']);
}

// Creates a Kafka instance through the SDK; resolves to {instanceId, shown, bootstrap}: ShowInstance's
// answer, and broker 0's address (`connect_address`:`port`), where the instance's Kafka listener is.
async function createKafkaInstance(client, name) {
  const created = await client.createInstanceByEngine(
    new kafka.CreateInstanceByEngineRequest().withEngine('kafka').withBody(kafkaInstanceBody(name)));
  const shown = await client.showInstance(new kafka.ShowInstanceRequest().withInstanceId(created.instance_id));
  return { instanceId: created.instance_id, shown, bootstrap: `${shown.connect_address}:${shown.port}` };
}

// Starts the emulator with ephemeral Kafka ports and creates one Kafka instance named `name` in it; resolves
// to {emulator, client, instanceId, shown, bootstrap}: the SDK client and createKafkaInstance's answer.
async function startKafkaInstance(name) {
  const emulator = await startEmulator(['--kafka-port', '0']);
  const client = kafkaClient(emulator.endpoint);
  try {
    return { emulator, client, ...(await createKafkaInstance(client, name)) };
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}

// Runs `work` with a connected admin client of `kafkajs` (a kafkajs Kafka), disconnected afterwards.
async function withAdmin(kafkajs, work) {
  const admin = kafkajs.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

// The SDK's exception for a failed call, or a failure if the call succeeded.
async function sdkError(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the SDK call succeeded, an error was expected');
}

module.exports = {
  PROJECT_ID, INSTANCE_ID, CREDENTIALS, startEmulator, kafkaClient, kafkaInstanceBody, createKafkaInstance,
  startKafkaInstance, withAdmin, sdkError, kafka,
};
