import type { Cidr } from '../ip/cidr.ts';
import { blockSize } from '../ip/cidr.ts';
import type { PoolMode } from '../limits/max-pods.ts';

/** How one address of a block has been used (only addresses assigned at least once have a record). */
export interface AddressUse {
  readonly assigned: boolean;
  /** When it was last released; undefined if never. */
  readonly unassignedAtMs: number | undefined;
}

/** A block that may give an address, with the use of its recorded addresses (keyed by integer address). */
export interface CandidateBlock {
  readonly block: Cidr;
  readonly uses: ReadonlyMap<number, AddressUse>;
}

/** The cooldown rule at one instant. */
export interface CooldownClock {
  readonly nowMs: number;
  /** `IP_COOLDOWN_PERIOD` in ms. */
  readonly cooldownMs: number;
}

/** What {@link chooseAddress} picked: the index of the block in the input, and the integer address. */
export interface AddressChoice {
  readonly blockIndex: number;
  readonly address: number;
}

/**
 * True while a released address must not be handed out: from its release until `cooldownMs` later (an address
 * becomes usable at exactly release + cooldown, so a cooldown of 0 disables it). A clock that went backwards
 * keeps the address cooling.
 */
export function isCooling(use: AddressUse, clock: CooldownClock): boolean {
  if (use.assigned || use.unassignedAtMs === undefined) return false;
  return clock.nowMs - use.unassignedAtMs < clock.cooldownMs;
}

/** The block's best address: never-assigned ones first (lowest), then the one released longest ago. */
function bestInBlock(candidate: CandidateBlock, clock: CooldownClock): { address: number; releasedAtMs: number } | undefined {
  const size = blockSize(candidate.block.prefixLength);
  for (let offset = 0; offset < size; offset += 1) {
    const address = candidate.block.network + offset;
    if (!candidate.uses.has(address)) return { address, releasedAtMs: -Infinity };
  }
  let best: { address: number; releasedAtMs: number } | undefined;
  for (const [address, use] of candidate.uses) {
    if (use.assigned || isCooling(use, clock)) continue;
    const releasedAtMs = use.unassignedAtMs ?? -Infinity;
    if (best === undefined || releasedAtMs < best.releasedAtMs || (releasedAtMs === best.releasedAtMs && address < best.address)) {
      best = { address, releasedAtMs };
    }
  }
  return best;
}

function assignedCount(candidate: CandidateBlock): number {
  let count = 0;
  for (const use of candidate.uses.values()) if (use.assigned) count += 1;
  return count;
}

/**
 * Picks the address for a new pod from `blocks` (already filtered to the active unit and usable ENIs, in
 * preference order), never one that is assigned or cooling. Secondary-IP mode: a never-assigned address if
 * any, else the one released longest ago (least recently used, so a released address waits as long as
 * possible). Prefix mode: the first prefix already holding pods, else the first with room (packing, so whole
 * prefixes stay free and can be released), and within it the same rule. Upstream takes Go map order and
 * prefers reusing out-of-cooldown addresses; only the cooldown is a guarantee there too.
 */
export function chooseAddress(blocks: readonly CandidateBlock[], poolMode: PoolMode, clock: CooldownClock): AddressChoice | undefined {
  if (poolMode === 'prefix') {
    const inUseFirst = blocks.map((candidate, blockIndex) => ({ candidate, blockIndex, used: assignedCount(candidate) > 0 }))
      .sort((a, b) => Number(b.used) - Number(a.used));
    for (const { candidate, blockIndex } of inUseFirst) {
      const best = bestInBlock(candidate, clock);
      if (best !== undefined) return { blockIndex, address: best.address };
    }
    return undefined;
  }
  let chosen: { blockIndex: number; address: number; releasedAtMs: number } | undefined;
  blocks.forEach((candidate, blockIndex) => {
    const best = bestInBlock(candidate, clock);
    if (best !== undefined && (chosen === undefined || best.releasedAtMs < chosen.releasedAtMs)) chosen = { blockIndex, ...best };
  });
  return chosen === undefined ? undefined : { blockIndex: chosen.blockIndex, address: chosen.address };
}
