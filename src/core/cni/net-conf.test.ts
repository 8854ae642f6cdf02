import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCniError } from './cni-error.ts';
import { AWS_CONFLIST, CRI_POD_ANNOTATIONS, libcniStdin, PODMAN_CONFLIST, UPSTREAM_RESULT_0_4_0 } from './cni-fixtures.test-support.ts';
import { parseNetConf } from './net-conf.ts';
import { podAnnotation } from './runtime-config.ts';

function withCode(code: number, ...fragments: string[]): (error: unknown) => boolean {
  return (error) => isCniError(error) && error.code === code && fragments.every((fragment) => error.message.includes(fragment));
}

function conf(fields: Record<string, unknown>): string {
  return JSON.stringify({ cniVersion: '1.0.0', name: 'vpcnet', type: 'vpcnet-cni', ...fields });
}

test('parseNetConf() reads the upstream 10-aws.conflist plugin as containerd\'s CRI passes it on ADD', () => {
  const stdin = libcniStdin(AWS_CONFLIST, 0, { capabilityArgs: CRI_POD_ANNOTATIONS });
  const parsed = parseNetConf(stdin);
  assert.equal(parsed.cniVersion, '0.4.0');
  assert.equal(parsed.name, 'aws-cni');
  assert.equal(parsed.type, 'aws-cni');
  assert.equal(parsed.vethPrefix, 'eni');
  assert.equal(parsed.mtu, 9001);
  assert.equal(parsed.podSgEnforcingMode, 'strict');
  assert.equal(parsed.pluginLogFile, '/var/log/aws-routed-eni/plugin.log');
  assert.equal(parsed.pluginLogLevel, 'debug');
  assert.equal(parsed.ipamdSocket, '/var/run/aws-node/vpcnet-ipamd.sock');
  assert.equal(parsed.prevResult, undefined);
  assert.equal(podAnnotation(parsed.runtimeConfig, 'kubernetes.io/config.source'), 'api');
  // aws-cni does not declare portMappings, so libcni does not pass them to it.
  assert.deepEqual(parsed.runtimeConfig.portMappings, []);
  assert.deepEqual(parsed.warnings, []);
});

test('parseNetConf() reads containerd\'s DEL with the cached 0.4.0 result as prevResult', () => {
  const stdin = libcniStdin(AWS_CONFLIST, 0, { prevResult: UPSTREAM_RESULT_0_4_0, capabilityArgs: CRI_POD_ANNOTATIONS });
  assert.deepEqual(parseNetConf(stdin).prevResult, UPSTREAM_RESULT_0_4_0);
});

test('parseNetConf() reads the portmap entry\'s Go-capitalised runtimeConfig from containerd', () => {
  const parsed = parseNetConf(libcniStdin(AWS_CONFLIST, 2, { prevResult: UPSTREAM_RESULT_0_4_0, capabilityArgs: CRI_POD_ANNOTATIONS }));
  assert.equal(parsed.type, 'portmap');
  assert.deepEqual(parsed.runtimeConfig.portMappings, [{ hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: '' }]);
});

test('parseNetConf() reads podman\'s 1.0.0 conflist entry with lower-case portMappings and ipamdSocket', () => {
  const capabilityArgs = { portMappings: [{ hostPort: 8081, containerPort: 8080, protocol: 'udp', hostIP: '127.0.0.1' }] };
  const vpcnet = parseNetConf(libcniStdin(PODMAN_CONFLIST, 0, { capabilityArgs }));
  assert.equal(vpcnet.cniVersion, '1.0.0');
  assert.equal(vpcnet.name, 'vpcnet');
  assert.equal(vpcnet.ipamdSocket, '/tmp/vpcnet/ipamd.sock');
  assert.equal(vpcnet.pluginLogLevel, 'info');
  const portmap = parseNetConf(libcniStdin(PODMAN_CONFLIST, 1, { capabilityArgs }));
  assert.deepEqual(portmap.runtimeConfig.portMappings, [{ hostPort: 8081, containerPort: 8080, protocol: 'udp', hostIP: '127.0.0.1' }]);
});

test('parseNetConf() applies upstream defaults to a minimal config', () => {
  const parsed = parseNetConf(conf({}));
  assert.deepEqual(
    { vethPrefix: parsed.vethPrefix, mtu: parsed.mtu, mode: parsed.podSgEnforcingMode, file: parsed.pluginLogFile, level: parsed.pluginLogLevel },
    { vethPrefix: 'eni', mtu: 9001, mode: 'strict', file: '', level: 'debug' },
  );
  assert.equal(parsed.validAttachments, undefined);
});

test('parseNetConf() refuses stdin that is not a JSON object with code 6', () => {
  for (const stdin of ['', '{', 'null', '[]', '"aws-cni"', '{"cniVersion": 4, "name": "x", "type": "y"}']) {
    assert.throws(() => parseNetConf(stdin), withCode(6, 'cannot decode'), stdin);
  }
});

test('parseNetConf() refuses versions it does not speak with code 1 (a missing cniVersion is 0.1.0)', () => {
  assert.throws(() => parseNetConf(JSON.stringify({ name: 'n', type: 't' })), withCode(1, '"0.1.0"'));
  assert.throws(() => parseNetConf(conf({ cniVersion: '0.2.0' })), withCode(1, '"0.2.0"'));
  assert.throws(() => parseNetConf(conf({ cniVersion: '2.0.0' })), withCode(1));
  for (const version of ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0']) assert.equal(parseNetConf(conf({ cniVersion: version })).cniVersion, version);
});

test('parseNetConf() refuses invalid values with code 7 naming the field', () => {
  const table: Array<[Record<string, unknown>, string]> = [
    [{ name: '' }, 'name'],
    [{ name: '-net' }, 'name'],
    [{ name: 7 }, 'name'],
    [{ type: '' }, 'type'],
    [{ vethPrefix: 'abcde' }, 'vethPrefix'],
    [{ vethPrefix: '__VETHPREFIX__' }, 'vethPrefix'],
    [{ vethPrefix: '' }, 'vethPrefix'],
    [{ vethPrefix: 'eth' }, 'vethPrefix'],
    [{ vethPrefix: 'lo' }, 'vethPrefix'],
    [{ vethPrefix: 'vlan' }, 'vethPrefix'],
    [{ vethPrefix: 'a/b' }, 'vethPrefix'],
    [{ vethPrefix: 'a b' }, 'vethPrefix'],
    [{ vethPrefix: 3 }, 'vethPrefix'],
    [{ pluginLogFile: 'stdout' }, 'pluginLogFile'],
    [{ pluginLogFile: 'STDOUT' }, 'pluginLogFile'],
    [{ ipamdSocket: 'relative.sock' }, 'ipamdSocket'],
    [{ ipamdSocket: `/${'s'.repeat(107)}` }, 'ipamdSocket'],
    [{ prevResult: [] }, 'prevResult'],
    [{ prevResult: 'x' }, 'prevResult'],
    [{ runtimeConfig: [] }, 'runtimeConfig'],
    [{ 'cni.dev/valid-attachments': {} }, 'cni.dev/valid-attachments'],
    [{ 'cni.dev/valid-attachments': [{ containerID: 'c1' }] }, 'cni.dev/valid-attachments'],
  ];
  for (const [fields, field] of table) assert.throws(() => parseNetConf(conf(fields)), withCode(7, field), JSON.stringify(fields));
});

test('parseNetConf() keeps valid veth prefixes', () => {
  for (const prefix of ['eni', 'cali', 'a', 'veth'.slice(0, 4), 'x-1']) assert.equal(parseNetConf(conf({ vethPrefix: prefix })).vethPrefix, prefix);
});

test('parseNetConf() reads mtu as upstream\'s GetPodMTU does: invalid or out of range means 9001, with a warning', () => {
  const table: Array<[unknown, number, boolean]> = [
    ['9001', 9001, false], ['1500', 1500, false], ['576', 576, false], ['+1500', 1500, false], ['01500', 1500, false], [1500, 1500, false],
    ['575', 9001, true], ['9002', 9001, true], ['abc', 9001, true], ['', 9001, true], [' 1500', 9001, true], ['__MTU__', 9001, true], [1500.5, 9001, true], [true, 9001, true],
  ];
  for (const [mtu, expected, warns] of table) {
    const parsed = parseNetConf(conf({ mtu }));
    assert.equal(parsed.mtu, expected, JSON.stringify(mtu));
    assert.equal(parsed.warnings.some((warning) => warning.startsWith('mtu ')), warns, JSON.stringify(mtu));
  }
});

test('parseNetConf() reads podSGEnforcingMode, falling back to strict with a warning', () => {
  const table: Array<[unknown, string, boolean]> = [['strict', 'strict', false], ['standard', 'standard', false], [undefined, 'strict', false], ['', 'strict', false], ['__PODSGENFORCINGMODE__', 'strict', true], ['Standard', 'strict', true]];
  for (const [mode, expected, warns] of table) {
    const parsed = parseNetConf(conf({ podSGEnforcingMode: mode }));
    assert.equal(parsed.podSgEnforcingMode, expected, String(mode));
    assert.equal(parsed.warnings.length > 0, warns, String(mode));
  }
});

test('parseNetConf() reads the plugin log settings: "stderr" and "" mean stderr, levels case-insensitively', () => {
  assert.equal(parseNetConf(conf({ pluginLogFile: 'stderr' })).pluginLogFile, '');
  assert.equal(parseNetConf(conf({ pluginLogFile: 'Stderr' })).pluginLogFile, '');
  assert.equal(parseNetConf(conf({ pluginLogFile: '/var/log/x.log' })).pluginLogFile, '/var/log/x.log');
  assert.equal(parseNetConf(conf({ pluginLogLevel: 'WARN' })).pluginLogLevel, 'warn');
  assert.equal(parseNetConf(conf({ pluginLogLevel: 'Error' })).pluginLogLevel, 'error');
  const unknown = parseNetConf(conf({ pluginLogLevel: 'trace' }));
  assert.equal(unknown.pluginLogLevel, 'debug');
  assert.match(unknown.warnings.join('\n'), /pluginLogLevel "trace"/);
});

test('parseNetConf() reads GC\'s valid attachments', () => {
  const parsed = parseNetConf(conf({ cniVersion: '1.1.0', 'cni.dev/valid-attachments': [{ containerID: 'c1', ifname: 'eth0' }, { containerID: 'c2', ifname: 'eth0' }] }));
  assert.deepEqual(parsed.validAttachments, [{ containerId: 'c1', ifName: 'eth0' }, { containerId: 'c2', ifName: 'eth0' }]);
  assert.deepEqual(parseNetConf(conf({ 'cni.dev/valid-attachments': [] })).validAttachments, []);
});

test('parseNetConf() ignores fields it does not know and null optional fields', () => {
  const parsed = parseNetConf(conf({ capabilities: { portMappings: true }, ipMasq: true, dns: {}, vethPrefix: null, prevResult: null, runtimeConfig: null }));
  assert.equal(parsed.vethPrefix, 'eni');
  assert.equal(parsed.prevResult, undefined);
});
