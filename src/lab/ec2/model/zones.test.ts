import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { regionCode, zoneById, zoneByName, zoneIdOf, zonesOf } from './zones.ts';

test('regionCode() abbreviates region names as AWS zone ids do', () => {
  assert.equal(regionCode('us-west-2'), 'usw2');
  assert.equal(regionCode('us-east-1'), 'use1');
  assert.equal(regionCode('eu-west-1'), 'euw1');
  assert.equal(regionCode('eu-central-1'), 'euc1');
  assert.equal(regionCode('ap-southeast-1'), 'apse1');
  assert.equal(regionCode('ap-northeast-2'), 'apne2');
  assert.equal(regionCode('us-gov-west-1'), 'usgw1');
});

test('zonesOf() lists four zones a..d with az1..az4 ids', () => {
  assert.deepEqual(zonesOf('us-west-2'), [
    { zoneName: 'us-west-2a', zoneId: 'usw2-az1', regionName: 'us-west-2' },
    { zoneName: 'us-west-2b', zoneId: 'usw2-az2', regionName: 'us-west-2' },
    { zoneName: 'us-west-2c', zoneId: 'usw2-az3', regionName: 'us-west-2' },
    { zoneName: 'us-west-2d', zoneId: 'usw2-az4', regionName: 'us-west-2' },
  ]);
  assert.equal(zonesOf('eu-west-1')[2]?.zoneId, 'euw1-az3');
});

test('zoneIdOf() maps a zone name to its id, and undefined for another region or zone', () => {
  assert.equal(zoneIdOf('us-east-1', 'us-east-1b'), 'use1-az2');
  assert.equal(zoneIdOf('us-east-1', 'us-west-2b'), undefined);
  assert.equal(zoneIdOf('us-east-1', 'us-east-1z'), undefined);
  assert.equal(zoneById('us-east-1', 'use1-az4')?.zoneName, 'us-east-1d');
  assert.equal(zoneByName('us-east-1', 'us-east-1a')?.zoneId, 'use1-az1');
});
