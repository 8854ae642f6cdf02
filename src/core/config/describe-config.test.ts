import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeConfig } from './describe-config.ts';
import { parseDaemonConfig } from './parse-daemon-config.ts';

test('describeConfig() renders /v1/ipamd-env-settings byte for byte as upstream for the defaults', () => {
  const { ipamdEnvSettings } = describeConfig(parseDaemonConfig({}));
  assert.equal(JSON.stringify(ipamdEnvSettings),
    '{"AWS_MANAGE_ENIS_NON_SCHEDULABLE":false,"AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG":false,"ENABLE_SUBNET_DISCOVERY":true,"WARM_ENI_TARGET":1,"WARM_IP_TARGET":0}');
});

test('describeConfig() renders /v1/networkutils-env-settings with null for empty CIDR lists', () => {
  const { networkutilsEnvSettings } = describeConfig(parseDaemonConfig({}));
  assert.equal(JSON.stringify(networkutilsEnvSettings),
    '{"AWS_EXTERNAL_SERVICE_CIDRS":null,"AWS_VPC_CNI_NODE_PORT_SUPPORT":true,"AWS_VPC_ENI_MTU":9001,"AWS_VPC_K8S_CNI_CONNMARK":128,' +
    '"AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS":null,"AWS_VPC_K8S_CNI_EXTERNALSNAT":false,"AWS_VPC_K8S_CNI_RANDOMIZESNAT":2,"AWS_VPC_K8S_CNI_VETHPREFIX":"eni"}');
});

test('describeConfig() reflects configured values, with RANDOMIZESNAT as Go snatType numbers', () => {
  const config = parseDaemonConfig({
    AWS_MANAGE_ENIS_NON_SCHEDULABLE: 'true', AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true', ENABLE_SUBNET_DISCOVERY: 'false',
    WARM_ENI_TARGET: '2', WARM_IP_TARGET: '7', AWS_EXTERNAL_SERVICE_CIDRS: '100.64.0.0/10', AWS_VPC_CNI_NODE_PORT_SUPPORT: 'false',
    AWS_VPC_ENI_MTU: '1500', AWS_VPC_K8S_CNI_CONNMARK: '0x40', AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '10.0.0.0/8,172.16.0.0/12',
    AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true', AWS_VPC_K8S_CNI_RANDOMIZESNAT: 'hashrandom', AWS_VPC_K8S_CNI_VETHPREFIX: 'abc',
  });
  assert.deepEqual(describeConfig(config), {
    ipamdEnvSettings: {
      AWS_MANAGE_ENIS_NON_SCHEDULABLE: true, AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: true, ENABLE_SUBNET_DISCOVERY: false,
      WARM_ENI_TARGET: 2, WARM_IP_TARGET: 7,
    },
    networkutilsEnvSettings: {
      AWS_EXTERNAL_SERVICE_CIDRS: ['100.64.0.0/10'], AWS_VPC_CNI_NODE_PORT_SUPPORT: false, AWS_VPC_ENI_MTU: 1500,
      AWS_VPC_K8S_CNI_CONNMARK: 64, AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: ['10.0.0.0/8', '172.16.0.0/12'],
      AWS_VPC_K8S_CNI_EXTERNALSNAT: true, AWS_VPC_K8S_CNI_RANDOMIZESNAT: 1, AWS_VPC_K8S_CNI_VETHPREFIX: 'abc',
    },
  });
  assert.equal(describeConfig(parseDaemonConfig({ AWS_VPC_K8S_CNI_RANDOMIZESNAT: 'none' })).networkutilsEnvSettings.AWS_VPC_K8S_CNI_RANDOMIZESNAT, 0);
});
