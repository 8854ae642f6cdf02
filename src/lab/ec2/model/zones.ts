/**
 * The availability zones of the emulated region: `<region>a`..`<region>d`, with zone ids in AWS's
 * `<code>-az<N>` form (us-west-2 → usw2-az1..usw2-az4).
 */

/** One availability zone of a region. */
export interface AvailabilityZone {
  readonly zoneName: string;
  readonly zoneId: string;
  readonly regionName: string;
}

const ZONE_LETTERS = ['a', 'b', 'c', 'd'] as const;

/** How AWS abbreviates the direction words of region names in zone ids. */
const DIRECTION_CODES: Readonly<Record<string, string>> = {
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  central: 'c',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
  gov: 'g',
};

/**
 * The short code AWS uses in zone ids: us-west-2 → usw2, us-east-1 → use1, eu-west-1 → euw1,
 * ap-southeast-1 → apse1, us-gov-west-1 → usgw1.
 */
export function regionCode(region: string): string {
  const parts = region.split('-');
  const [area, ...rest] = parts;
  const number = rest.pop() ?? '';
  const middle = rest.map((word) => DIRECTION_CODES[word] ?? word.charAt(0)).join('');
  return `${area ?? ''}${middle}${number}`;
}

/** The four zones of `region`, in name order. */
export function zonesOf(region: string): AvailabilityZone[] {
  const code = regionCode(region);
  return ZONE_LETTERS.map((letter, index) => ({
    zoneName: `${region}${letter}`,
    zoneId: `${code}-az${index + 1}`,
    regionName: region,
  }));
}

/** The zone id of a zone name of `region` (e.g. us-west-2b → usw2-az2), or undefined if unknown. */
export function zoneIdOf(region: string, zoneName: string): string | undefined {
  return zonesOf(region).find((zone) => zone.zoneName === zoneName)?.zoneId;
}

/** The zone of `region` with this zone id, or undefined. */
export function zoneById(region: string, zoneId: string): AvailabilityZone | undefined {
  return zonesOf(region).find((zone) => zone.zoneId === zoneId);
}

/** The zone of `region` with this name, or undefined. */
export function zoneByName(region: string, zoneName: string): AvailabilityZone | undefined {
  return zonesOf(region).find((zone) => zone.zoneName === zoneName);
}
