import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCniEnvironment, validateIfName } from './cni-environment.ts';
import { isCniError } from './cni-error.ts';
import { CRI_ADD_ENV, PODMAN_ADD_ENV } from './cni-fixtures.test-support.ts';

function code4(...names: string[]): (error: unknown) => boolean {
  return (error) => isCniError(error) && error.code === 4 && names.every((name) => error.message.includes(name));
}

test('parseCniEnvironment() reads containerd\'s ADD', () => {
  const invocation = parseCniEnvironment(CRI_ADD_ENV);
  assert.equal(invocation.command, 'ADD');
  assert.equal(invocation.containerId, CRI_ADD_ENV.CNI_CONTAINERID);
  assert.equal(invocation.netns, '/var/run/netns/cni-4a1b2c3d-5e6f-7a8b-9c0d-1e2f3a4b5c6d');
  assert.equal(invocation.ifName, 'eth0');
  assert.equal(invocation.args.pod.namespace, 'default');
  assert.equal(invocation.args.pod.name, 'web-1');
  assert.deepEqual(invocation.path, ['/opt/cni/bin']);
});

test('parseCniEnvironment() reads podman\'s ADD', () => {
  const invocation = parseCniEnvironment(PODMAN_ADD_ENV);
  assert.equal(invocation.args.pod.name, 'web');
  assert.equal(invocation.args.pod.namespace, '');
  assert.deepEqual(invocation.path, ['/usr/lib/cni']);
});

test('parseCniEnvironment() requires per command what the spec requires', () => {
  const table: Array<{ env: Record<string, string>; missing?: string[] }> = [
    { env: { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0' }, missing: ['CNI_NETNS'] },
    { env: { CNI_COMMAND: 'ADD' }, missing: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'] },
    { env: { CNI_COMMAND: 'CHECK', CNI_CONTAINERID: 'c1', CNI_NETNS: '/n' }, missing: ['CNI_IFNAME'] },
    { env: { CNI_COMMAND: 'DEL', CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0' } },
    { env: { CNI_COMMAND: 'DEL', CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0', CNI_NETNS: '' } },
    { env: { CNI_COMMAND: 'DEL', CNI_IFNAME: 'eth0' }, missing: ['CNI_CONTAINERID'] },
    { env: { CNI_COMMAND: 'GC' }, missing: ['CNI_PATH'] },
    { env: { CNI_COMMAND: 'GC', CNI_PATH: '/opt/cni/bin' } },
    { env: { CNI_COMMAND: 'STATUS' } },
    { env: { CNI_COMMAND: 'VERSION' } },
  ];
  for (const { env, missing } of table) {
    if (missing === undefined) assert.equal(parseCniEnvironment(env).command, env.CNI_COMMAND, JSON.stringify(env));
    else assert.throws(() => parseCniEnvironment(env), code4('missing', ...missing), JSON.stringify(env));
  }
});

test('parseCniEnvironment() tolerates an empty CNI_NETNS on DEL (ctr run --cni)', () => {
  const invocation = parseCniEnvironment({ ...CRI_ADD_ENV, CNI_COMMAND: 'DEL', CNI_NETNS: '' });
  assert.equal(invocation.netns, '');
  assert.equal(invocation.args.pod.name, 'web-1');
});

test('parseCniEnvironment() refuses a missing or unknown CNI_COMMAND with code 4', () => {
  assert.throws(() => parseCniEnvironment({}), code4('CNI_COMMAND'));
  assert.throws(() => parseCniEnvironment({ CNI_COMMAND: '' }), code4('CNI_COMMAND'));
  assert.throws(() => parseCniEnvironment({ CNI_COMMAND: 'add' }), code4('CNI_COMMAND', '"add"'));
  assert.throws(() => parseCniEnvironment({ CNI_COMMAND: 'REMOVE' }), code4('CNI_COMMAND'));
});

test('parseCniEnvironment() validates the container id and interface name', () => {
  const base = { CNI_COMMAND: 'ADD', CNI_NETNS: '/var/run/netns/x', CNI_IFNAME: 'eth0', CNI_CONTAINERID: 'abc' };
  assert.equal(parseCniEnvironment({ ...base, CNI_CONTAINERID: 'a_b.c-1' }).containerId, 'a_b.c-1');
  assert.throws(() => parseCniEnvironment({ ...base, CNI_CONTAINERID: '-abc' }), code4('CNI_CONTAINERID'));
  assert.throws(() => parseCniEnvironment({ ...base, CNI_CONTAINERID: 'a b' }), code4('CNI_CONTAINERID'));
  assert.throws(() => parseCniEnvironment({ ...base, CNI_IFNAME: 'a/b' }), code4('CNI_IFNAME'));
  assert.throws(() => parseCniEnvironment({ ...base, CNI_IFNAME: 'x'.repeat(16) }), code4('CNI_IFNAME'));
  // Not validated where not required: VERSION ignores a stray container id.
  assert.equal(parseCniEnvironment({ CNI_COMMAND: 'VERSION', CNI_CONTAINERID: '-bad' }).command, 'VERSION');
});

test('parseCniEnvironment() is strict about CNI_ARGS on ADD and CHECK, lenient on DEL', () => {
  const add = { ...CRI_ADD_ENV, CNI_ARGS: 'K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-1;FOO=1' };
  assert.throws(() => parseCniEnvironment(add), code4('CNI_ARGS', 'FOO'));
  assert.throws(() => parseCniEnvironment({ ...add, CNI_COMMAND: 'CHECK' }), code4('CNI_ARGS'));
  assert.throws(() => parseCniEnvironment({ ...CRI_ADD_ENV, CNI_ARGS: 'IgnoreUnknown=1;junk' }), code4('CNI_ARGS', 'junk'));
  const del = parseCniEnvironment({ ...add, CNI_COMMAND: 'DEL', CNI_ARGS: 'junk;FOO=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-1' });
  assert.equal(del.args.pod.name, 'web-1');
  assert.deepEqual(del.args.malformed, ['junk']);
});

test('parseCniEnvironment() splits CNI_PATH on ":" and drops empty entries', () => {
  assert.deepEqual(parseCniEnvironment({ CNI_COMMAND: 'STATUS', CNI_PATH: '/opt/cni/bin::/usr/lib/cni:' }).path, ['/opt/cni/bin', '/usr/lib/cni']);
  assert.deepEqual(parseCniEnvironment({ CNI_COMMAND: 'STATUS' }).path, []);
});

test('validateIfName() applies the Linux interface name rules', () => {
  for (const good of ['eth0', 'x'.repeat(15), 'net1.100', 'eni-a_b']) assert.doesNotThrow(() => validateIfName(good), good);
  for (const bad of ['x'.repeat(16), '.', '..', 'a:b', 'a b', 'a\tb', 'é'.repeat(8)]) assert.throws(() => validateIfName(bad), code4('CNI_IFNAME'), bad);
});
