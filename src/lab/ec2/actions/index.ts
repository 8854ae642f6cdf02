import type { ActionTable } from '../action.ts';
import { COMPUTE_ACTIONS } from './compute-actions.ts';
import { NETWORK_ACTIONS } from './network-actions.ts';

/** Every EC2 action the emulator serves, by name. */
export const ACTIONS: ActionTable = { ...NETWORK_ACTIONS, ...COMPUTE_ACTIONS };
