import type { PoolAction, PoolCidr, PoolEni, PoolSnapshot } from './pool.ts';

function newCidrs(owner: string, from: number, count: number, isPrefix: boolean): PoolCidr[] {
  return Array.from({ length: count }, (_, index) => ({
    cidr: `${owner}/${isPrefix ? 'prefix' : 'ip'}-${from + index}`,
    isPrefix,
    assigned: 0,
    cooling: 0,
  }));
}

function lowestFreeDeviceNumber(enis: readonly PoolEni[]): number {
  const used = new Set(enis.map((eni) => eni.deviceNumber));
  let device = 1;
  while (used.has(device)) device += 1;
  return device;
}

function applyAction(enis: readonly PoolEni[], action: PoolAction): readonly PoolEni[] {
  switch (action.kind) {
    case 'assign-to-eni':
      return enis.map((eni) => eni.eniId !== action.eniId ? eni : {
        ...eni,
        cidrs: [...eni.cidrs, ...newCidrs(eni.eniId, eni.cidrs.length, action.count, action.unit === 'prefix')],
      });
    case 'attach-eni': {
      const eniId = `eni-new-${enis.length}`;
      const cidrs = newCidrs(eniId, 0, action.count, action.unit === 'prefix');
      const attached: PoolEni = { eniId, deviceNumber: lowestFreeDeviceNumber(enis), isPrimary: false, recentlyAttached: true, cidrs };
      return [...enis, attached];
    }
    case 'release-cidrs': {
      const released = new Set(action.cidrs);
      return enis.map((eni) => eni.eniId !== action.eniId ? eni : { ...eni, cidrs: eni.cidrs.filter((cidr) => !released.has(cidr.cidr)) });
    }
    case 'release-eni':
      return enis.filter((eni) => eni.eniId !== action.eniId);
  }
}

/**
 * The pool as it would be once `actions` succeed, for planning and simulation: new blocks are unused and get
 * placeholder names (`<eni>/ip-3`), a new ENI gets a placeholder id (`eni-new-2`), the lowest free device
 * number and `recentlyAttached`. The input is not modified.
 */
export function applyDecision(snapshot: PoolSnapshot, actions: readonly PoolAction[]): PoolSnapshot {
  let enis = snapshot.enis;
  for (const action of actions) enis = applyAction(enis, action);
  return { ...snapshot, enis };
}
