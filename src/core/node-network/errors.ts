/** No network interface has the MAC address of an ENI (yet): the attachment may still be in progress. */
export class LinkNotFoundError extends Error {
  readonly mac: string;

  constructor(mac: string, attempts: number) {
    super(`Cannot find the interface of ENI ${mac}: no link has that MAC address after ${attempts} attempt${attempts === 1 ? '' : 's'}`);
    this.name = 'LinkNotFoundError';
    this.mac = mac;
  }
}
