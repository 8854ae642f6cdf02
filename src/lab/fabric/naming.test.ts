import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EniLinkNames, LabNames, MAX_INTERFACE_NAME, newLabId } from './naming.ts';

test('LabNames names every namespace and table with the vpcl<labId> prefix', () => {
  const names = new LabNames('a1b2c3');
  assert.equal(names.routerNamespace, 'vpcla1b2c3-router');
  assert.equal(names.internetNamespace, 'vpcla1b2c3-internet');
  assert.equal(names.instanceNamespace('i-0123456789abcdef0'), 'vpcla1b2c3-i-0123456789abcdef0');
  assert.equal(names.nftTable, 'vpcla1b2c3');
  assert.match(names.runDirectory, /\/vpcla1b2c3$/);
});

test('LabNames.ownsNamespace() matches only this lab by exact prefix', () => {
  const names = new LabNames('ab12');
  assert.ok(names.ownsNamespace('vpclab12-router'));
  assert.ok(!names.ownsNamespace('vpclab123-router'));
  assert.ok(!names.ownsNamespace('cni-1234'));
});

test('LabNames rejects lab ids that could escape the prefix', () => {
  assert.throws(() => new LabNames(''), /lab id/);
  assert.throws(() => new LabNames('a-b'), /lab id/);
  assert.throws(() => new LabNames('../x'), /lab id/);
});

test('newLabId() gives 6 hex digits', () => {
  assert.match(newLabId(), /^[0-9a-f]{6}$/);
});

test('EniLinkNames.nameOf() derives a stable name of at most 15 characters from the ENI id', () => {
  const names = new EniLinkNames();
  const name = names.nameOf('eni-0a1b2c3d4e5f60718');
  assert.equal(name, 'enic3d4e5f60718');
  assert.ok(name.length <= MAX_INTERFACE_NAME);
  assert.equal(names.nameOf('eni-0a1b2c3d4e5f60718'), name);
});

test('EniLinkNames.nameOf() keeps names unique when ids share their last digits, and release() frees them', () => {
  const names = new EniLinkNames();
  const first = names.nameOf('eni-0aaaa00000000000001');
  const second = names.nameOf('eni-0bbbb00000000000001');
  assert.notEqual(first, second);
  assert.ok(second.length <= MAX_INTERFACE_NAME);
  names.release('eni-0aaaa00000000000001');
  assert.equal(names.nameOf('eni-0cccc00000000000001'), first);
});
