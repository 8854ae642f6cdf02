/** The datastore: ENIs, blocks and pod addresses of one network card, its checkpoint and introspection view (pure). */
export { chooseAddress, isCooling } from './address-choice.ts';
export type { AddressChoice, AddressUse, CandidateBlock, CooldownClock } from './address-choice.ts';
export { CHECKPOINT_VERSION, checkpointEntry, checkpointPathForCard, formatCheckpoint, parseCheckpoint, serializeCheckpoint } from './checkpoint.ts';
export type { CheckpointEntry } from './checkpoint.ts';
export { Datastore, DEFAULT_IP_COOLDOWN_MS, MAIN_ROUTE_TABLE, MIGRATED_KEY } from './datastore.ts';
export { base64Bytes, enisView, enisViewJson, maskBase64 } from './enis-view.ts';
export type { AddressInfoView, CidrInfoView, EniInfosView, EnisView, EniView, ViewableDatastore } from './enis-view.ts';
export { CheckpointError, DatastoreError, PoolExhaustedError } from './errors.ts';
export type { CheckpointErrorKind, DatastoreErrorCode, PoolExhaustedReason } from './errors.ts';
export { goJson, goJsonString, goObject, goRawNumber, goSortedMap } from './go-json.ts';
export type { GoJsonObject, GoJsonValue, GoRawNumber } from './go-json.ts';
export { compareInstants, formatRfc3339Nano, formatUnixNanos, GO_ZERO_TIME, instantFromMs, parseUnixNanos } from './instant.ts';
export { restoreCheckpoint } from './restore.ts';
export type { DropReason, DroppedEntry, RestoreOptions, RestoreResult } from './restore.ts';
export type {
  AddressLocation,
  AddressRecord,
  Assignment,
  CidrState,
  DatastoreEni,
  DatastoreOptions,
  EniInit,
  EniState,
  Instant,
  PlaceOptions,
  PodMetadata,
  RemoveOptions,
} from './types.ts';
