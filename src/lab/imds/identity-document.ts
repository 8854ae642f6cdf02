/**
 * `/latest/dynamic/instance-identity/document`: the JSON document SDKs read the region from (for
 * example aws-sdk-go-v2's `GetRegion`, which ipamd uses, and max-pods-calculator.sh).
 */
import type { Ec2Model } from '../ec2/model/model.ts';
import type { Instance } from '../ec2/model/state.ts';

/**
 * The identity document of `instance`, formatted as EC2 formats it: two-space indent, `"key" : value`
 * and keys in EC2's order. `privateIp` is the primary ENI's primary address (null when unknown).
 */
export function identityDocument(model: Ec2Model, instance: Instance, privateIp: string | undefined): string {
  const fields: [string, string | null][] = [
    ['accountId', model.accountId],
    ['architecture', architectureOf(instance.instanceType)],
    ['availabilityZone', instance.availabilityZone],
    ['billingProducts', null],
    ['devpayProductCodes', null],
    ['marketplaceProductCodes', null],
    ['imageId', instance.imageId],
    ['instanceId', instance.instanceId],
    ['instanceType', instance.instanceType],
    ['kernelId', null],
    ['pendingTime', isoSeconds(instance.launchTime)],
    ['privateIp', privateIp ?? null],
    ['ramdiskId', null],
    ['region', model.region],
    ['version', '2017-09-30'],
  ];
  const lines = fields.map(([key, value]) => `  ${JSON.stringify(key)} : ${JSON.stringify(value)}`);
  return `{\n${lines.join(',\n')}\n}`;
}

/**
 * The CPU architecture of an instance type: Graviton families (`a1`, and a `g` after the generation
 * digit: `m6g`, `c7gn`, `r6gd`, `t4g`, `g5g`) are `arm64`, everything else `x86_64`.
 */
export function architectureOf(instanceType: string): 'arm64' | 'x86_64' {
  const family = instanceType.split('.')[0] ?? '';
  if (family === 'a1' || family.startsWith('mac2')) return 'arm64';
  return /^[a-z]+(-[a-z0-9]+)?\d+[a-z]*g/.test(family) ? 'arm64' : 'x86_64';
}

/** `2026-11-23T15:18:25Z`: ISO 8601 without milliseconds, as EC2 writes times in IMDS. */
function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
