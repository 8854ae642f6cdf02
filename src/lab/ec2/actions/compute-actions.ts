import type { ActionTable } from '../action.ts';
import { ENI_ACTIONS } from './eni-actions.ts';
import { ENI_ADDRESS_ACTIONS } from './eni-address-actions.ts';
import { INSTANCE_ACTIONS } from './instance-actions.ts';
import { INSTANCE_TYPE_ACTIONS } from './instance-type-actions.ts';

/** The compute half of the emulator: ENIs, their addresses, instances and instance types. */
export const COMPUTE_ACTIONS: ActionTable = {
  ...ENI_ACTIONS,
  ...ENI_ADDRESS_ACTIONS,
  ...INSTANCE_ACTIONS,
  ...INSTANCE_TYPE_ACTIONS,
};
