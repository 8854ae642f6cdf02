import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CNI_ERROR_CODES, CniError, isCniError } from './cni-error.ts';
import {
  assertCommandAllowed,
  compareCniVersions,
  isLegacyCniVersion,
  isSupportedCniVersion,
  SUPPORTED_CNI_VERSIONS,
  unsupportedVersionError,
  versionReply,
} from './versions.ts';
import type { CniVersion } from './versions.ts';

test('CniError.toJson() renders the spec error object and leaves out empty details', () => {
  const withDetails = new CniError(CNI_ERROR_CODES.tryAgainLater, 'cannot assign an IP to pod "default/web-1": warm pool empty', 'reason pool-empty');
  assert.deepEqual(withDetails.toJson('0.4.0'), { cniVersion: '0.4.0', code: 11, msg: 'cannot assign an IP to pod "default/web-1": warm pool empty', details: 'reason pool-empty' });
  assert.deepEqual(new CniError(CNI_ERROR_CODES.invalidEnvironment, 'bad').toJson(), { cniVersion: '1.1.0', code: 4, msg: 'bad' });
  assert.equal(JSON.stringify(withDetails.toJson('1.0.0')), '{"cniVersion":"1.0.0","code":11,"msg":"cannot assign an IP to pod \\"default/web-1\\": warm pool empty","details":"reason pool-empty"}');
});

test('CniError is an Error with the message as msg, and isCniError() recognises it', () => {
  const error = new CniError(CNI_ERROR_CODES.internal, 'boom');
  assert.ok(error instanceof Error);
  assert.equal(error.message, 'boom');
  assert.equal(error.name, 'CniError');
  assert.equal(isCniError(error), true);
  assert.equal(isCniError(new Error('boom')), false);
});

test('CNI_ERROR_CODES match the spec and libcni numbers', () => {
  assert.deepEqual(
    [CNI_ERROR_CODES.incompatibleVersion, CNI_ERROR_CODES.unsupportedField, CNI_ERROR_CODES.unknownContainer, CNI_ERROR_CODES.invalidEnvironment,
      CNI_ERROR_CODES.ioFailure, CNI_ERROR_CODES.decodingFailure, CNI_ERROR_CODES.invalidNetworkConfig, CNI_ERROR_CODES.invalidNetns,
      CNI_ERROR_CODES.tryAgainLater, CNI_ERROR_CODES.pluginNotAvailable, CNI_ERROR_CODES.limitedConnectivity, CNI_ERROR_CODES.internal],
    [1, 2, 3, 4, 5, 6, 7, 8, 11, 50, 51, 999],
  );
});

test('versionReply() lists exactly the supported versions and echoes a supported requested version', () => {
  assert.deepEqual(versionReply(), { cniVersion: '1.1.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] });
  assert.equal(versionReply('0.4.0').cniVersion, '0.4.0');
  assert.equal(versionReply('1.0.0').cniVersion, '1.0.0');
  assert.equal(versionReply('0.2.0').cniVersion, '1.1.0');
  assert.equal(versionReply('nonsense').cniVersion, '1.1.0');
});

test('isSupportedCniVersion() accepts 0.3.x to 1.1.0 and refuses 0.1.0, 0.2.0 and unknown versions', () => {
  const table: Array<[string, boolean]> = [
    ['0.1.0', false], ['0.2.0', false], ['0.3.0', true], ['0.3.1', true], ['0.4.0', true], ['1.0.0', true], ['1.1.0', true], ['1.2.0', false], ['', false], ['1.0', false],
  ];
  for (const [version, expected] of table) assert.equal(isSupportedCniVersion(version), expected, version);
});

test('isLegacyCniVersion() and compareCniVersions() order the supported versions', () => {
  assert.deepEqual(SUPPORTED_CNI_VERSIONS.map(isLegacyCniVersion), [true, true, true, false, false]);
  assert.ok(compareCniVersions('0.3.1', '0.4.0') < 0);
  assert.ok(compareCniVersions('1.1.0', '1.0.0') > 0);
  assert.equal(compareCniVersions('1.0.0', '1.0.0'), 0);
});

test('assertCommandAllowed() needs 0.4.0 for CHECK and 1.1.0 for STATUS and GC', () => {
  const table: Array<[string, CniVersion, boolean]> = [
    ['ADD', '0.3.0', true], ['DEL', '0.3.1', true], ['CHECK', '0.3.1', false], ['CHECK', '0.4.0', true],
    ['STATUS', '1.0.0', false], ['STATUS', '1.1.0', true], ['GC', '0.4.0', false], ['GC', '1.1.0', true], ['VERSION', '0.3.0', true],
  ];
  for (const [command, version, allowed] of table) {
    if (allowed) assert.doesNotThrow(() => assertCommandAllowed(command, version), `${command} ${version}`);
    else assert.throws(() => assertCommandAllowed(command, version), (error: unknown) => isCniError(error) && error.code === 1 && error.message.includes(command));
  }
});

test('unsupportedVersionError() is code 1 naming the requested and the supported versions', () => {
  const error = unsupportedVersionError('0.2.0');
  assert.equal(error.code, 1);
  assert.match(error.message, /config is "0\.2\.0"/);
  assert.match(error.message, /0\.3\.0, 0\.3\.1, 0\.4\.0, 1\.0\.0, 1\.1\.0/);
});
