import type { ActionContext, ActionTable, XmlObject } from '../action.ts';
import { Ec2ApiError } from '../errors.ts';
import { matchesFilters } from '../model/filters.ts';
import { unknownFilter } from '../model/tags.ts';
import type { AvailabilityZone } from '../model/zones.ts';
import { zonesOf } from '../model/zones.ts';

function zoneFilterValues(zone: AvailabilityZone, name: string): readonly string[] | undefined {
  switch (name) {
    case 'zone-name':
      return [zone.zoneName];
    case 'zone-id':
      return [zone.zoneId];
    case 'region-name':
    case 'group-name':
      return [zone.regionName];
    case 'state':
      return ['available'];
    case 'zone-type':
      return ['availability-zone'];
    case 'opt-in-status':
      return ['opt-in-not-required'];
    default:
      return undefined;
  }
}

function zoneXml(zone: AvailabilityZone): XmlObject {
  return {
    zoneName: zone.zoneName,
    zoneId: zone.zoneId,
    zoneState: 'available',
    regionName: zone.regionName,
    optInStatus: 'opt-in-not-required',
    messageSet: [],
    groupName: zone.regionName,
    networkBorderGroup: zone.regionName,
    zoneType: 'availability-zone',
  };
}

/**
 * DescribeAvailabilityZones: the region's zones `<region>a..d`; `ZoneName.N` / `ZoneId.N` must name
 * zones of the region (`InvalidParameterValue`); filters zone-name, zone-id, region-name, state, ...
 */
function describeAvailabilityZones({ model, params }: ActionContext): XmlObject {
  const zones = zonesOf(model.region);
  const names = params.list('ZoneName');
  const ids = params.list('ZoneId');
  for (const wanted of [...names, ...ids]) {
    if (!zones.some((zone) => zone.zoneName === wanted || zone.zoneId === wanted)) {
      throw new Ec2ApiError('InvalidParameterValue', `Invalid availability zone: [${wanted}]`);
    }
  }
  const filters = params.filters();
  const selected = zones.filter(
    (zone) =>
      (names.length + ids.length === 0 || names.includes(zone.zoneName) || ids.includes(zone.zoneId)) &&
      matchesFilters(zone, filters, zoneFilterValues, unknownFilter),
  );
  return { availabilityZoneInfo: selected.map(zoneXml) };
}

/** The region and zone actions, by name. */
export const ZONE_ACTIONS: ActionTable = {
  DescribeAvailabilityZones: describeAvailabilityZones,
};
