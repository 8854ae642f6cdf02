import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertStrictCniArgs, parseCniArgs } from './cni-args.ts';
import { isCniError } from './cni-error.ts';
import { CRI_ADD_ENV, PODMAN_ADD_ENV } from './cni-fixtures.test-support.ts';

test('parseCniArgs() reads containerd\'s CNI_ARGS in any order', () => {
  const args = parseCniArgs(CRI_ADD_ENV.CNI_ARGS ?? '');
  assert.deepEqual(args.pod, {
    namespace: 'default',
    name: 'web-1',
    infraContainerId: '5f2c8e0d1b7a4c3e9f6a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e',
    uid: '0b6f2f6e-3d4c-4b5a-9e8f-7a6b5c4d3e2f',
  });
  assert.equal(args.ignoreUnknown, true);
  assert.deepEqual(args.unknownKeys, []);
  assert.deepEqual(args.malformed, []);
  const reordered = parseCniArgs('K8S_POD_NAME=web-1;IgnoreUnknown=1;K8S_POD_NAMESPACE=default');
  assert.equal(reordered.pod.namespace, 'default');
  assert.equal(reordered.pod.name, 'web-1');
});

test('parseCniArgs() reads podman\'s CNI_ARGS: a name, no namespace, no infra container', () => {
  const args = parseCniArgs(PODMAN_ADD_ENV.CNI_ARGS ?? '');
  assert.deepEqual(args.pod, { namespace: '', name: 'web', infraContainerId: '', uid: '' });
  assert.equal(args.ignoreUnknown, true);
});

test('parseCniArgs() handles edge cases table-driven', () => {
  const table: Array<{ text: string; values: Record<string, string>; ignoreUnknown: boolean; unknownKeys: string[]; malformed: string[] }> = [
    { text: '', values: {}, ignoreUnknown: false, unknownKeys: [], malformed: [] },
    { text: 'K8S_POD_NAME=a;', values: { K8S_POD_NAME: 'a' }, ignoreUnknown: false, unknownKeys: [], malformed: [] },
    { text: 'FOO=bar;K8S_POD_NAME=a', values: { FOO: 'bar', K8S_POD_NAME: 'a' }, ignoreUnknown: false, unknownKeys: ['FOO'], malformed: [] },
    { text: 'IgnoreUnknown=true;FOO=bar', values: { IgnoreUnknown: 'true', FOO: 'bar' }, ignoreUnknown: true, unknownKeys: ['FOO'], malformed: [] },
    { text: 'IgnoreUnknown=TRUE', values: { IgnoreUnknown: 'TRUE' }, ignoreUnknown: true, unknownKeys: [], malformed: [] },
    { text: 'IgnoreUnknown=0;FOO=1', values: { IgnoreUnknown: '0', FOO: '1' }, ignoreUnknown: false, unknownKeys: ['FOO'], malformed: [] },
    { text: 'IgnoreUnknown=yes', values: { IgnoreUnknown: 'yes' }, ignoreUnknown: false, unknownKeys: [], malformed: ['IgnoreUnknown=yes'] },
    { text: 'novalue;=x', values: {}, ignoreUnknown: false, unknownKeys: [], malformed: ['novalue', '=x'] },
    { text: 'A=b=c', values: { A: 'b=c' }, ignoreUnknown: false, unknownKeys: ['A'], malformed: [] },
    { text: 'K8S_POD_NAME=a;K8S_POD_NAME=b', values: { K8S_POD_NAME: 'b' }, ignoreUnknown: false, unknownKeys: [], malformed: [] },
    { text: 'k8s_pod_name=a', values: { k8s_pod_name: 'a' }, ignoreUnknown: false, unknownKeys: ['k8s_pod_name'], malformed: [] },
  ];
  for (const row of table) {
    const args = parseCniArgs(row.text);
    assert.deepEqual(Object.fromEntries(args.values), row.values, row.text);
    assert.equal(args.ignoreUnknown, row.ignoreUnknown, row.text);
    assert.deepEqual(args.unknownKeys, row.unknownKeys, row.text);
    assert.deepEqual(args.malformed, row.malformed, row.text);
  }
  assert.equal(parseCniArgs('K8S_POD_NAME=a;K8S_POD_NAME=b').pod.name, 'b');
});

test('assertStrictCniArgs() refuses unknown keys without IgnoreUnknown and malformed pieces with code 4', () => {
  assert.doesNotThrow(() => assertStrictCniArgs(parseCniArgs('IgnoreUnknown=1;FOO=bar')));
  assert.doesNotThrow(() => assertStrictCniArgs(parseCniArgs('K8S_POD_NAME=a')));
  assert.throws(() => assertStrictCniArgs(parseCniArgs('FOO=bar')), (error: unknown) => isCniError(error) && error.code === 4 && error.message.includes('FOO') && error.details.includes('IgnoreUnknown=1'));
  assert.throws(() => assertStrictCniArgs(parseCniArgs('IgnoreUnknown=1;broken')), (error: unknown) => isCniError(error) && error.code === 4 && error.message.includes('"broken"'));
});
