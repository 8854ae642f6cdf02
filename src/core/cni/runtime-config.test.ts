import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCniError } from './cni-error.ts';
import { EMPTY_RUNTIME_CONFIG, parseRuntimeConfig, podAnnotation } from './runtime-config.ts';

test('parseRuntimeConfig() reads portMappings whatever the case of the keys', () => {
  const table: Array<[Record<string, unknown>, string]> = [
    [{ portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: '' }] }, 'podman'],
    [{ PortMappings: [{ HostPort: 8080, ContainerPort: 80, Protocol: 'TCP', HostIP: '' }] }, 'Go field names'],
    [{ portmappings: [{ hostport: 8080, containerport: 80 }] }, 'lower case, protocol defaulted'],
  ];
  for (const [value, label] of table) {
    const { runtimeConfig, warnings } = parseRuntimeConfig(value);
    assert.deepEqual(runtimeConfig.portMappings, [{ hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: '' }], label);
    assert.deepEqual(warnings, [], label);
  }
});

test('parseRuntimeConfig() skips malformed port mappings with a warning instead of failing', () => {
  const { runtimeConfig, warnings } = parseRuntimeConfig({
    portMappings: [{ hostPort: 0, containerPort: 80 }, { hostPort: '80', containerPort: 80 }, 'x', { hostPort: 443, containerPort: 8443, protocol: 'tcp' }],
  });
  assert.deepEqual(runtimeConfig.portMappings, [{ hostPort: 443, containerPort: 8443, protocol: 'tcp', hostIP: '' }]);
  assert.equal(warnings.length, 3);
  assert.match(warnings[0] ?? '', /portMappings\[0\]/);
  assert.deepEqual(parseRuntimeConfig({ portMappings: {} }).runtimeConfig.portMappings, []);
  assert.equal(parseRuntimeConfig({ portMappings: {} }).warnings.length, 1);
});

test('parseRuntimeConfig() reads pod annotations and podAnnotation() looks them up case-insensitively', () => {
  const { runtimeConfig, warnings } = parseRuntimeConfig({
    'IO.Kubernetes.CRI.Pod-Annotations': { 'k8s.amazonaws.com/nicConfig': 'multi-nic-attachment', 'bad': 3 },
  });
  assert.equal(podAnnotation(runtimeConfig, 'k8s.amazonaws.com/nicConfig'), 'multi-nic-attachment');
  assert.equal(podAnnotation(runtimeConfig, 'K8S.AMAZONAWS.COM/NICCONFIG'), 'multi-nic-attachment');
  assert.equal(podAnnotation(runtimeConfig, 'absent'), undefined);
  assert.deepEqual(runtimeConfig.podAnnotations, { 'k8s.amazonaws.com/nicConfig': 'multi-nic-attachment' });
  assert.equal(warnings.length, 1);
});

test('parseRuntimeConfig() keeps every key lower-cased in entries', () => {
  const { runtimeConfig } = parseRuntimeConfig({ Bandwidth: { IngressRate: 1000 }, DNS: { Servers: ['10.0.0.2'] } });
  assert.deepEqual(runtimeConfig.entries.get('bandwidth'), { IngressRate: 1000 });
  assert.deepEqual(runtimeConfig.entries.get('dns'), { Servers: ['10.0.0.2'] });
});

test('parseRuntimeConfig() treats absent or null as empty and refuses a non-object with code 7', () => {
  assert.equal(parseRuntimeConfig(undefined).runtimeConfig, EMPTY_RUNTIME_CONFIG);
  assert.equal(parseRuntimeConfig(null).runtimeConfig, EMPTY_RUNTIME_CONFIG);
  for (const bad of [[], 'x', 3]) assert.throws(() => parseRuntimeConfig(bad), (error: unknown) => isCniError(error) && error.code === 7);
});
