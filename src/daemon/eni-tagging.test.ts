import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDaemonConfig } from '../core/config/index.ts';
import { creationTags, managementTags, missingTags, rfc3339Seconds } from './eni-tagging.ts';

const AT = Date.UTC(2024, 4, 1, 10, 0, 0, 123);

test('creationTags() gives upstream\'s tags: createdAt to the second, instance id, cluster and owner, extra tags', () => {
  const config = parseDaemonConfig({ CLUSTER_NAME: 'prod', ADDITIONAL_ENI_TAGS: '{"team":"net"}' });
  assert.deepEqual(creationTags(config, 'i-0abc', AT), {
    'node.k8s.amazonaws.com/createdAt': '2024-05-01T10:00:00Z',
    'node.k8s.amazonaws.com/instance_id': 'i-0abc',
    'cluster.k8s.amazonaws.com/name': 'prod',
    'eks:eni:owner': 'amazon-vpc-cni',
    team: 'net',
  });
});

test('managementTags() has no cluster or owner tag without CLUSTER_NAME', () => {
  assert.deepEqual(managementTags(parseDaemonConfig({}), 'i-0abc'), { 'node.k8s.amazonaws.com/instance_id': 'i-0abc' });
});

test('missingTags() lists tags absent or with another value', () => {
  assert.deepEqual(missingTags({ a: '1', b: 'old' }, { a: '1', b: 'new', c: '3' }), { b: 'new', c: '3' });
  assert.equal(rfc3339Seconds(0), '1970-01-01T00:00:00Z');
});
