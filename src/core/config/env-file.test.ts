import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnvFile } from './env-file.ts';

test('parseEnvFile() reads NAME=value lines, skipping blanks and comments', () => {
  const text = '# vpcnet-ipamd on a Nomad host\nWARM_IP_TARGET=5\n\n  MINIMUM_IP_TARGET = 10 \nCLUSTER_NAME="lab one"\nADDITIONAL_ENI_TAGS=\'{"team":"net"}\'\nEMPTY=\n';
  assert.deepEqual(parseEnvFile(text), { WARM_IP_TARGET: '5', MINIMUM_IP_TARGET: '10', CLUSTER_NAME: 'lab one', ADDITIONAL_ENI_TAGS: '{"team":"net"}', EMPTY: '' });
});

test('parseEnvFile() names the line it cannot parse', () => {
  assert.throws(() => parseEnvFile('WARM_IP_TARGET=5\nthis is not a setting\n'), /line 2: expected NAME=value, got "this is not a setting"/);
  assert.throws(() => parseEnvFile('1BAD=x'), SyntaxError);
});
